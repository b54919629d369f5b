# rackboot build.  `make` builds the XDP objects, their skeletons and the
# userspace programs; `make test` and `make run` install missing Debian
# packages first (scripts/install-deps.sh) and need root.

# A recipe that fails leaves no half-written target, such as an empty
# skeleton header from a failed bpftool run, for the next make to trust.
.DELETE_ON_ERROR:

CC	?= cc
CLANG	?= clang
BPFTOOL	?= bpftool
BUILD	:= build

PKGS	:= libbpf libxdp liburing libyang libssl libcrypto
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter \
	   -D_GNU_SOURCE -Iinclude -Iuserspace -Itests -I$(BUILD) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lelf -lz -llmdb -lhttp_parser -ljansson -lpthread

BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -Iinclude \
	      -I/usr/include/$(shell uname -m)-linux-gnu

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_SKELS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# Every userspace module folder except the two programs goes into one
# static library that the programs and the tests link.
LIB_DIRS   := common config control dhcp4 dhcp6 dns http leases metrics ra store syslog tftp xdp
LIB_SRCS   := $(foreach d,$(LIB_DIRS),$(wildcard userspace/$(d)/*.c))
LIB_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LIB        := $(BUILD)/librackboot.a

DAEMON_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard userspace/rackbootd/*.c))
CTL_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard userspace/rackbootctl/*.c))

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BPFT_SRCS  := $(wildcard tests/bpf/test_*.c)
BPFT_BINS  := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(BPFT_SRCS))
TEST_LIB   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/*.c))

PROGS := $(BUILD)/rackbootd $(BUILD)/rackbootctl

# Keep generated skeletons and objects that pattern rules chain through.
.SECONDARY:

.PHONY: all deps test test-unit test-bpf test-integration run clean fuzz fuzz-build
all: $(PROGS) $(UNIT_BINS) $(BPFT_BINS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(wildcard include/rackboot/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

# Userspace objects may include any skeleton, so they wait for all of them.
$(BUILD)/%.o: %.c $(BPF_SKELS) $(wildcard include/rackboot/*.h) $(wildcard userspace/*/*.h) $(wildcard tests/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The YANG module as a C array, so that rackbootd needs no installed copy.
$(BUILD)/rackboot_yang.h: yang/rackboot.yang
	@mkdir -p $(dir $@)
	{ echo 'static const char rb_yang_module[] = {'; \
	  od -An -v -tx1 $< | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; } > $@.tmp && mv $@.tmp $@

$(filter $(BUILD)/userspace/config/%,$(LIB_OBJS)): $(BUILD)/rackboot_yang.h

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/rackbootd: $(DAEMON_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# rackbootctl top draws with ncurses.
$(BUILD)/rackbootctl: $(CTL_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lncursesw

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/%: $(BUILD)/tests/bpf/%.o $(TEST_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# rb-dhcp4-send: DHCPv4 frames, valid or malformed, for flood tests.
all: $(BUILD)/tests/rb-dhcp4-send
$(BUILD)/tests/rb-dhcp4-send: $(BUILD)/tests/tools/rb_dhcp4_send.o $(BUILD)/tests/lib/dhcp4_pkt.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

# rb-dns-send: DNS messages, valid or malformed, for tests/integration/dns.sh.
all: $(BUILD)/tests/rb-dns-send
$(BUILD)/tests/rb-dns-send: $(BUILD)/tests/tools/rb_dns_send.o $(BUILD)/userspace/dns/dns_wire.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

# rb-dora: many DHCPv4 clients doing full DORA, for the persistence test.
all: $(BUILD)/tests/rb-dora
$(BUILD)/tests/rb-dora: $(BUILD)/tests/tools/rb_dora.o $(BUILD)/tests/lib/dhcp4_pkt.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

# rb-tftpd: the TFTP server alone on its own io_uring loop, for
# tests/integration/tftp.sh and manual runs.
all: $(BUILD)/tests/rb-tftpd
$(BUILD)/tests/rb-tftpd: $(BUILD)/tests/tools/rb_tftpd.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# rb-tftp-probe: a TFTP client that loses blocks, repeats ACKs or aborts
# after the OACK on purpose, for tests/integration/tftp_edge.sh.
all: $(BUILD)/tests/rb-tftp-probe
$(BUILD)/tests/rb-tftp-probe: $(BUILD)/tests/tools/rb_tftp_probe.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

# loss.bpf.o: drops a share of UDP packets on a veth, for
# tests/integration/tftp_loss.sh (this kernel has no netem qdisc).
all: $(BUILD)/tests/loss.bpf.o
$(BUILD)/tests/loss.bpf.o: tests/bpf/loss.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# rb-tftp-xdp-client: a TFTP download whose ACKs an XDP program sends,
# for tests/integration/tftp_xdp.sh.
all: $(BUILD)/tests/rb-tftp-xdp-client
$(BUILD)/tests/tftp_ack.bpf.o: tests/tools/tftp_ack.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BUILD)/tftp_ack.skel.h: $(BUILD)/tests/tftp_ack.bpf.o
	$(BPFTOOL) gen skeleton $< name tftp_ack_bpf > $@
$(BUILD)/tests/rb-tftp-xdp-client: tests/tools/rb_tftp_xdp_client.c $(BUILD)/tftp_ack.skel.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)
# rb-tls-echo: a TLS file or echo server on the HTTP server's TLS layer,
# for tests/integration/http_tls_tool.sh and manual runs.
all: $(BUILD)/tests/rb-tls-echo
$(BUILD)/tests/rb-tls-echo: $(BUILD)/tests/tools/rb_tls_echo.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer harnesses of the decoders.  make fuzz builds them and runs
# each for FUZZ_SECONDS (scripts/fuzz.sh); make fuzz-build only builds.
# tests/integration/fuzz.sh runs each for a bounded number of inputs as
# part of make test.
FUZZ_CFLAGS ?= -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Iuserspace
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh
fuzz-build: $(BUILD)/fuzz/fuzz_tftp $(BUILD)/fuzz/fuzz_dhcp4 $(BUILD)/fuzz/fuzz_dhcp6 $(BUILD)/fuzz/fuzz_dns \
	$(BUILD)/fuzz/fuzz_http $(BUILD)/fuzz/fuzz_syslog $(BUILD)/fuzz/fuzz_ctl
$(BUILD)/fuzz/fuzz_dhcp4: tests/fuzz/fuzz_dhcp4.c userspace/dhcp4/answer.c userspace/dhcp4/overload.c userspace/dhcp4/template.c userspace/common/log.c $(wildcard include/rackboot/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
$(BUILD)/fuzz/fuzz_dhcp6: tests/fuzz/fuzz_dhcp6.c userspace/dhcp6/relay6.c userspace/dhcp6/template6.c userspace/common/log.c $(wildcard include/rackboot/*.h) $(wildcard userspace/dhcp6/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
$(BUILD)/fuzz/fuzz_dns: tests/fuzz/fuzz_dns.c userspace/dns/dns_wire.c userspace/dns/dns_zone.c userspace/dns/dns_query.c userspace/dns/dns_answer.c $(wildcard userspace/dns/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
# The HTTP harness links libhttp-parser as the server does.
HTTP_FUZZ_SRCS := userspace/http/http_request.c userspace/http/http_handle.c \
	userspace/http/http_ipxe.c userspace/http/http_path.c userspace/http/http_range.c \
	userspace/http/http_response.c userspace/http/http_metrics.c \
	userspace/metrics/prom_text.c userspace/metrics/metrics_access.c userspace/config/config_index.c
$(BUILD)/fuzz/fuzz_http: tests/fuzz/fuzz_http.c $(HTTP_FUZZ_SRCS) $(wildcard userspace/http/*.h) $(wildcard userspace/metrics/*.h) userspace/config/config.h
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lhttp_parser
$(BUILD)/fuzz/fuzz_syslog: tests/fuzz/fuzz_syslog.c userspace/syslog/syslog_parse.c userspace/syslog/syslog_frame.c userspace/syslog/syslog_format.c userspace/syslog/syslog_record.c $(wildcard userspace/syslog/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
# The control protocol harness links jansson, and libbpf for the MAC and map-name helpers.
CTL_FUZZ_SRCS := userspace/control/ctl_request.c userspace/control/ctl_reply.c \
	userspace/xdp/state_format.c userspace/xdp/map_names.c userspace/xdp/device_state.c \
	userspace/common/log.c
$(BUILD)/fuzz/fuzz_ctl: tests/fuzz/fuzz_ctl.c $(CTL_FUZZ_SRCS) $(wildcard userspace/control/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -ljansson -lbpf
$(BUILD)/fuzz/fuzz_tftp: tests/fuzz/fuzz_tftp.c userspace/tftp/tftp_codec.c userspace/tftp/tftp_options.c userspace/tftp/tftp_path.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $^

deps:
	bash scripts/install-deps.sh

# The runner prints one summary line: 'N passed, N failed'.
test: deps
	$(MAKE) all
	bash tests/run.sh

run: deps
	$(MAKE) all
	bash scripts/lab.sh

clean:
	rm -rf $(BUILD)

# make bench-dhcp4: DORA/s of rackboot, Kea and dnsmasq over one veth
# pair, written to bench/results/dhcp4.json (bench/README.md).  Needs root.
# bench/common contains what the load generators share.
BENCH_BUILD := $(BUILD)/bench
BENCH_COMMON_SRC := bench/common/gen_ladder.c bench/common/gen_options.c bench/common/gen_sum.c
BENCH_COMMON_H := $(wildcard bench/common/*.h)
$(BENCH_BUILD)/%.bpf.o: bench/dhcp4/%.bpf.c bench/dhcp4/gen.h $(BENCH_COMMON_H)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ibench/dhcp4 -Ibench/common -c $< -o $@
$(BENCH_BUILD)/reflect.bpf.o: bench/common/reflect.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BENCH_BUILD)/gen.skel.h: $(BENCH_BUILD)/gen.bpf.o
	$(BPFTOOL) gen skeleton $< name gen_bpf > $@
$(BENCH_BUILD)/rb-dhcp4-gen: bench/dhcp4/gen.c bench/dhcp4/gen_frames.c $(BENCH_COMMON_SRC) $(wildcard bench/dhcp4/*.h) $(BENCH_COMMON_H) $(BENCH_BUILD)/gen.skel.h
	$(CC) $(CFLAGS) -I$(BENCH_BUILD) -Ibench/dhcp4 -Ibench/common -o $@ $(filter %.c,$^) $(LDLIBS)
# Built by 'make', because tests/integration/dhcp4_loadgen.sh tests them.
all: $(BENCH_BUILD)/rb-dhcp4-gen $(BENCH_BUILD)/reflect.bpf.o
.PHONY: bench-dhcp4
bench-dhcp4: all $(BENCH_BUILD)/rb-dhcp4-gen $(BENCH_BUILD)/reflect.bpf.o
	bash bench/dhcp4.sh

# make bench-dhcp6: Solicit-to-Reply exchanges/s of rackboot and Kea over
# one veth pair, written to bench/results/dhcp6.json (bench/dhcp6/README.md).
# Needs root.  The reflector is the DHCPv4 bench's.
BENCH6_BUILD := $(BENCH_BUILD)/dhcp6
$(BENCH6_BUILD)/gen6.bpf.o: bench/dhcp6/gen6.bpf.c bench/dhcp6/gen6.h $(BENCH_COMMON_H)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ibench/dhcp6 -Ibench/common -c $< -o $@
$(BENCH6_BUILD)/gen6.skel.h: $(BENCH6_BUILD)/gen6.bpf.o
	$(BPFTOOL) gen skeleton $< name gen6_bpf > $@
$(BENCH_BUILD)/rb-dhcp6-gen: bench/dhcp6/gen6.c bench/dhcp6/gen6_frames.c $(BENCH_COMMON_SRC) $(wildcard bench/dhcp6/*.h) $(BENCH_COMMON_H) $(BENCH6_BUILD)/gen6.skel.h
	$(CC) $(CFLAGS) -I$(BENCH6_BUILD) -Ibench/dhcp6 -Ibench/common -o $@ $(filter %.c,$^) $(LDLIBS)
.PHONY: bench-dhcp6
bench-dhcp6: all $(BENCH_BUILD)/rb-dhcp6-gen $(BENCH_BUILD)/reflect.bpf.o
	bash bench/dhcp6.sh

# make bench-tftp: payload MiB/s of rackboot, tftp-hpa and dnsmasq serving
# many clients over one veth pair, written to bench/results/tftp.json
# (bench/README.md).  Needs root.  The reflector is bench/common's.
BENCHT_BUILD := $(BENCH_BUILD)/tftp
$(BENCHT_BUILD)/tftpgen.bpf.o: bench/tftp/tftpgen.bpf.c bench/tftp/tftpgen.h $(BENCH_COMMON_H)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ibench/tftp -Ibench/common -c $< -o $@
$(BENCHT_BUILD)/tftpgen.skel.h: $(BENCHT_BUILD)/tftpgen.bpf.o
	$(BPFTOOL) gen skeleton $< name tftpgen_bpf > $@
$(BENCH_BUILD)/rb-tftp-gen: $(wildcard bench/tftp/*.c) $(BENCH_COMMON_SRC) $(wildcard bench/tftp/*.h) $(BENCH_COMMON_H) $(BENCHT_BUILD)/tftpgen.skel.h
	$(CC) $(CFLAGS) -I$(BENCHT_BUILD) -Ibench/tftp -Ibench/common -o $@ $(filter-out %.bpf.c,$(filter %.c,$^)) $(LDLIBS)
# Built by 'make', because tests/integration/tftp_loadgen.sh tests it.
# tests/bpf/test_tftpgen_xdp.c runs its XDP program.
all: $(BENCH_BUILD)/rb-tftp-gen
$(BUILD)/tests/bpf/test_tftpgen_xdp.o: CFLAGS += -Ibench/tftp -I$(BENCHT_BUILD)
$(BUILD)/tests/bpf/test_tftpgen_xdp.o: $(BENCHT_BUILD)/tftpgen.skel.h bench/tftp/tftpgen.h
.PHONY: bench-tftp
bench-tftp: all $(BENCH_BUILD)/rb-tftp-gen $(BENCH_BUILD)/reflect.bpf.o
	bash bench/tftp.sh

# make bench-xdp-cost: ns per packet of the DHCPv4 XDP program on each
# path, under BPF_PROG_TEST_RUN (tests/tools/rb_xdp_cost.c).  Needs root.
all: $(BUILD)/tests/rb-xdp-cost
$(BUILD)/tests/rb-xdp-cost: $(BUILD)/tests/tools/rb_xdp_cost.o $(BUILD)/tests/lib/dhcp4_pkt.o $(BUILD)/tests/lib/dhcp4_maps.o $(BUILD)/tests/lib/netns_unshare.o $(BUILD)/tests/lib/xdp_run.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
.PHONY: bench-xdp-cost
bench-xdp-cost: $(BUILD)/tests/rb-xdp-cost
	$(BUILD)/tests/rb-xdp-cost $(XDP_COST_RUNS)

# make bench-dns: queries/s of rackbootd's DNS server and of dnsmasq over
# one veth pair, measured with dnsperf and with rb-dns-gen, written to
# bench/results/dns.json, and the rates of both against an XDP reflector
# (bench/dns/README.md).  Needs root.
$(BENCH_BUILD)/dns_reflect.bpf.o: bench/dns/dns_reflect.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
BENCHD_BUILD := $(BENCH_BUILD)/dns
$(BENCHD_BUILD)/dnsgen.bpf.o: bench/dns/dnsgen.bpf.c bench/dns/dnsgen.h $(BENCH_COMMON_H)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ibench/dns -Ibench/common -c $< -o $@
$(BENCHD_BUILD)/dnsgen.skel.h: $(BENCHD_BUILD)/dnsgen.bpf.o
	$(BPFTOOL) gen skeleton $< name dnsgen_bpf > $@
$(BENCH_BUILD)/rb-dns-gen: bench/dns/dnsgen.c bench/dns/dnsgen_names.c $(BENCH_COMMON_SRC) $(wildcard bench/dns/*.h) $(BENCH_COMMON_H) $(BENCHD_BUILD)/dnsgen.skel.h
	$(CC) $(CFLAGS) -I$(BENCHD_BUILD) -Ibench/dns -Ibench/common -o $@ $(filter %.c,$^) $(LDLIBS)
# Built by 'make', because tests/integration/dns_loadgen.sh tests them.
# tests/bpf/test_dnsgen_xdp.c runs the generator's XDP programs.
all: $(BENCH_BUILD)/rb-dns-gen $(BENCH_BUILD)/dns_reflect.bpf.o
$(BUILD)/tests/bpf/test_dnsgen_xdp.o: CFLAGS += -Ibench/dns -Ibench/common -I$(BENCHD_BUILD)
$(BUILD)/tests/bpf/test_dnsgen_xdp.o: $(BENCHD_BUILD)/dnsgen.skel.h bench/dns/dnsgen.h bench/dns/dnsgen_names.h
$(BUILD)/bench/dns/dnsgen_names.o $(BUILD)/bench/common/gen_sum.o: CFLAGS += -Ibench/dns -Ibench/common
$(BUILD)/bench/dns/dnsgen_names.o: bench/dns/dnsgen.h bench/dns/dnsgen_names.h bench/common/gen_sum.h
$(BUILD)/tests/test_dnsgen_xdp: $(BUILD)/bench/dns/dnsgen_names.o $(BUILD)/bench/common/gen_sum.o
.PHONY: bench-dns
bench-dns: all $(BENCH_BUILD)/dns_reflect.bpf.o $(BENCH_BUILD)/rb-dns-gen
	bash bench/dns.sh
# make bench-http: rackboot's HTTP server against nginx, plain and over
# TLS, written to bench/results/http.json (bench/README.md).  Needs root.
.PHONY: bench-http
bench-http: all
	bash bench/http.sh
