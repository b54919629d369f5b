-- wrk script of bench/http.sh.  Arguments after "--":
--   PATHS_FILE  one request path per line; thread i fetches lines
--               i, i + THREADS, i + 2 * THREADS, ... and starts over
--   THREADS     wrk's -t value
--   CLOSE       "close": a new connection for every request, as each
--               booting device fetches its iPXE script once
-- At the end it prints one JSON line with wrk's totals.  The script
-- defines no response() function on purpose: wrk would then buffer
-- every body, which costs the large-file runs.

local paths = {}
local threads = 1
local headers = {}
local first = 1
local position = 1
local next_thread = 0

function setup(thread)
	thread:set("thread_index", next_thread)
	next_thread = next_thread + 1
end

function init(args)
	for line in io.lines(args[1]) do
		paths[#paths + 1] = line
	end
	threads = tonumber(args[2]) or 1
	if args[3] == "close" then
		headers["Connection"] = "close"
	end
	first = (thread_index % #paths) + 1
	position = first
end

function request()
	local path = paths[position]

	position = position + threads
	if position > #paths then
		position = first
	end
	return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
	io.write(string.format(
		'{"requests": %d, "bytes": %d, "duration_us": %d, ' ..
		'"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
		summary.requests, summary.bytes, summary.duration,
		summary.errors.connect, summary.errors.read, summary.errors.write,
		summary.errors.status, summary.errors.timeout))
end
