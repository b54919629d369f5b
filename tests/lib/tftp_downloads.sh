# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Concurrent TFTP downloads with real clients (atftp, curl, tftp-hpa,
# busybox) and rb-tftp-probe, each in the background, then a check of
# every file.  The caller sets NS_CLI (the clients' namespace), SERVER
# (the server address), ROOT (the served folder), OUT (where the
# downloads go), RUN_TIMEOUT (seconds per client) and PROBE (the
# rb-tftp-probe binary), and empties NAMES, FILES and PIDS before the
# first dl_start.  Requires tests/lib/tap.sh.

# dl_atftp OUT FILE [ARG...]: one atftp download, tried a second
# time when atftp aborted on a repeated OACK.  atftp 0.8.0 aborts when its
# ACK of the OACK is lost and the server sends the OACK again after its
# timeout.  The server cannot tell a lost ACK from a lost OACK, so the
# retry belongs to the client side.
dl_atftp() {
	local out=$1 file=$2 try

	shift 2
	for try in 1 2; do
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" atftp --tftp-timeout 1 "$@" \
			-g -r "$file" -l "$out" "$SERVER" 69 && return 0
		grep -q "unexpected OACK" "$out.txt" 2>/dev/null || return 1
		echo "atftp: retry $try after an unexpected OACK"
	done
	return 1
}

# dl_start NAME CLIENT FILE [ARG...]: start one download in the background.
# Its output goes to $OUT/NAME and its messages to $OUT/NAME.txt.
dl_start() {
	local name=$1 client=$2 file=$3 out

	shift 3
	out="$OUT/$name"
	case "$client" in
	atftp)
		dl_atftp "$out" "$file" "$@"
		;;
	curl)
		# curl 7.88 with options requests timeout 6, which makes the server
		# wait 6 s per lost packet.  Without options the server's own timeout applies.
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" curl -sS --tftp-no-options \
			--connect-timeout 5 "$@" -o "$out" "tftp://$SERVER/$file"
		;;
	tftp-hpa)
		printf 'binary\nrexmt 1\ntimeout %s\nget %s %s\n' "$RUN_TIMEOUT" "$file" "$out" |
			ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" tftp "$SERVER" 69
		;;
	busybox)
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" busybox tftp "$@" \
			-g -r "$file" -l "$out" "$SERVER" 69
		;;
	probe)
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" "$PROBE" --server "$SERVER" \
			--file "$file" --out "$out" "$@"
		;;
	esac >"$OUT/$name.txt" 2>&1 &
	NAMES+=("$name")
	FILES+=("$file")
	PIDS+=("$!")
}

dl_sha() {
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}

# dl_finish: wait for every download and check its file.
dl_finish() {
	local i status

	for ((i = 0; i < ${#PIDS[@]}; i++)); do
		wait "${PIDS[i]}"
		status=$?
		if ((status != 0)); then
			tap_not_ok "${NAMES[i]} intact"
			tap_diag "exit status $status: $(tail -n 5 "$OUT/${NAMES[i]}.txt")"
			continue
		fi
		tap_is "$(dl_sha "$OUT/${NAMES[i]}")" "$(dl_sha "$ROOT/${FILES[i]}")" "${NAMES[i]} intact"
		if grep -q "^atftp: retry" "$OUT/${NAMES[i]}.txt"; then
			tap_diag "${NAMES[i]}: $(grep "^atftp: retry" "$OUT/${NAMES[i]}.txt")"
		fi
	done
}
