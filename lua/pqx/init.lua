-- pqx: the library scripts see as the global `pqx` (and through require "pqx").
-- It joins the C core (documents, selectors, regular expressions, JSON) with the
-- Lua helpers; submodules load on first use so a script pays only for what it uses.
local core = require("pqx.core")

local pqx = {
  VERSION = core.VERSION,
  parse = core.parse,          -- pqx.parse(html [, {encoding=, path=, url=, base_url=}]) -> Document | nil, err
  selector = core.selector,    -- pqx.selector(css) -> compiled, cached Selector
  json = core.json,            -- pqx.json(value [, pretty]) -> canonical JSON text
  is_node = core.is_node,
  is_document = core.is_document,
  re = core.re,                -- PCRE2: match, find, all, gmatch, gsub, split, compile
  url = core.url,              -- resolve(base, ref): absolute URLs (src/url.c, shared with node:url)
}

require("pqx.dom") -- methods on lists and nodes

local lazy = {
  de = "pqx.de", -- German parliaments (Drucksachen, question types, authors)
  text = "pqx.text", date = "pqx.date", names = "pqx.names", parts = "pqx.parts",
  record = "pqx.record", sections = "pqx.sections", fields = "pqx.fields",
  testing = "pqx.testing",
}

return setmetatable(pqx, {
  __index = function(t, k)
    local mod = lazy[k]
    if mod == nil then
      error("pqx has no field '" .. tostring(k) .. "'", 2)
    end
    local m = require(mod)
    rawset(t, k, m)
    return m
  end,
})
