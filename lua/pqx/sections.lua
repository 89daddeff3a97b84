-- pqx.sections: cuts a run of sibling nodes into blocks that each start at a
-- heading: the question / answer / agency blocks of parliament pages, where
-- the markup is flat (<p><b>Heading</b></p><p>...</p><p><b>Next</b></p>...).
-- It owns only the cutting; what a heading is comes from the caller.
local core = require("pqx.core")
local text = require("pqx.text")

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
-- A block's text joins the text of its nodes with blank lines between
-- block-level pieces; it never includes the heading's own text.
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
    local parts = {}
    for _, n in ipairs(current.nodes) do
      local t = n.type == "comment" and "" or n:text()
      if t ~= "" then parts[#parts + 1] = t end
    end
    -- inline runs (text, <b>, <a>) join with a space; blocks come back with newlines
    local joined = table.concat(parts, "\n")
    current.text = joined:gsub("[ \t]*\n[ \t]*", "\n"):gsub("\n\n\n+", "\n\n")
    current.text = text.trim(current.text)
    if current.heading or current.text ~= "" or opts.keep_empty then
      blocks[#blocks + 1] = current
    end
  end
  for _, n in ipairs(run) do
    if n.type ~= "comment" and is_heading(n, heading) then
      close()
      current = {heading = n, title = n:text(), nodes = {}}
    elseif n.type ~= "comment" then
      current.nodes[#current.nodes + 1] = n
    end
  end
  close()
  return core.list(blocks)
end

return sections
