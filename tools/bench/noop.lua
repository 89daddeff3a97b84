-- noop.lua: the benchmark's parse-only script. pqx reads, decodes and parses each page
-- and calls extract, which returns no records: what pqx costs before any extraction.
return {
  name = "bench-noop",
  version = "1",
  description = "returns no records (make bench: pqx parse-only)",
  extract = function() return {} end,
}
