-- wrk script: random portal pages over a catalog of N items (env CATALOG_ITEMS).
-- KIND=doc: /info/{id}; KIND=column: column pages 1-50 of every column; KIND=search: one-word searches.
local n = tonumber(os.getenv("CATALOG_ITEMS") or "1000000")
local kind = os.getenv("KIND") or "doc"
local columns = { "policy", "normative", "interpretation", "five-open", "decision", "execution", "management",
  "service", "result", "key-areas", "assistance", "welfare", "elderly", "funeral", "donations", "procurement",
  "blacklist", "enforcement", "reconsideration", "audit" }
local words = { "%E7%A4%BE%E4%BC%9A%E6%95%91%E5%8A%A9", "%E5%85%BB%E8%80%81%E6%9C%8D%E5%8A%A1",
  "%E6%AE%A1%E8%91%AC%E6%9C%8D%E5%8A%A1", "%E5%A9%9A%E5%A7%BB%E7%99%BB%E8%AE%B0",
  "%E4%B8%B4%E6%97%B6%E6%95%91%E5%8A%A9", "%E6%85%88%E5%96%84%E5%8B%9F%E6%8D%90" }
math.randomseed(os.time())
request = function()
  local path
  if kind == "doc" then
    path = "/info/" .. math.random(1, n)
  elseif kind == "column" then
    path = "/o/gzmz/c/" .. columns[math.random(#columns)] .. "?page=" .. math.random(1, 50)
  else
    path = "/search?q=" .. words[math.random(#words)]
  end
  return wrk.format("GET", path)
end
