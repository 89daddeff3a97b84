-- pqx.sections: cuts a run of sibling nodes into blocks that each start at a
-- heading: the question / answer / agency blocks of parliament pages, where
-- the markup is flat (<p><b>Heading</b></p><p>...</p><p><b>Next</b></p>...).
-- It owns only the cutting; what a heading is comes from the caller.
local core = require("pqx.core")
local text = require("pqx.text")

local BLOCK = {}
for tag in ([[address article aside blockquote center details dd div dl dt fieldset
  figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre
  section table ul tr td th br]]):gmatch("%S+") do BLOCK[tag] = true end

local function is_heading(node, heading)
  if type(heading) == "function" then return heading(node) end
  return node.type == "element" and node:matches(heading)
end

-- sections(parent_or_nodes, heading [, opts]) -> list of
--   {heading = node or nil, title = heading text or nil, nodes = {...}, text = "..."}
-- parent_or_nodes: a node (its child nodes, text included, are the run) or a
--   list of nodes. heading: a selector string, a compiled selector, or a
--   function(node) -> boolean. Nodes before the first heading form a block
--   with heading = nil, kept only when it has text (opts.keep_empty keeps it).
-- A block's text puts each block-level node on its own line and joins runs
-- of inline nodes into one line; it never includes the heading's own text.
local function sections(src, heading, opts)
  opts = opts or {}
  if heading == nil then error("sections: a heading selector or function is required", 2) end
  local run
  if core.is_node(src) or core.is_document(src) then
    run = src:child_nodes()
  elseif type(src) == "table" then
    run = src
  else
    error("sections: expected a node or a list of nodes, got " .. type(src), 2)
  end
  local blocks, current = {}, {nodes = {}}
  local function close()
    -- inline runs (text nodes, <b>, <a> ...) join as one paragraph; block
    -- elements are paragraphs of their own
    local paras, inline = {}, {}
    local function flush()
      local t = text.squish(table.concat(inline))
      if t ~= "" then paras[#paras + 1] = t end
      inline = {}
    end
    for _, n in ipairs(current.nodes) do
      if n.type == "element" and BLOCK[n.tag] then
        flush()
        local t = n:text()
        if t ~= "" then paras[#paras + 1] = t end
      elseif n.type == "element" then
        inline[#inline + 1] = n:text()
      else
        inline[#inline + 1] = n:raw_text()
      end
    end
    flush()
    current.text = table.concat(paras, "\n")
    if current.heading or current.text ~= "" or opts.keep_empty then
      blocks[#blocks + 1] = current
    end
  end
  for _, n in ipairs(run) do
    if n.type ~= "comment" and is_heading(n, heading) then
      close()
      current = {heading = n, title = n:text(), nodes = {}}
    elseif n.type ~= "comment" and n.type ~= "whitespace" then
      current.nodes[#current.nodes + 1] = n
    end
  end
  close()
  return core.list(blocks)
end

return sections
