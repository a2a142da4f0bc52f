-- wrk script: random portal pages over a catalog of N items (env CATALOG_ITEMS).
-- KIND=doc: /info/{id}; column: pages 1-50 of every column; search: one- and two-word searches;
-- home: the portal's home page; apply: the public application form POSTed (env COOKIE and
-- TOKEN from a fetched form; a random X-Forwarded-For per request, the server trusting
-- 127.0.0.1, stands for many applicants under the per-address limit); api: the JSON lists
-- (env API_TOKEN, ORG); static: PATH as it is (nginx's copy of one document page).
local n = tonumber(os.getenv("CATALOG_ITEMS") or "1000000")
-- Column pages that exist at this size (20 items a page over 20 columns of one body of 13).
local pages = math.max(1, math.min(50, math.floor(n / 13 / 20 / 20)))
local kind = os.getenv("KIND") or "doc"
local columns = { "policy", "normative", "interpretation", "five-open", "decision", "execution", "management",
  "service", "result", "key-areas", "assistance", "welfare", "elderly", "funeral", "donations", "procurement",
  "blacklist", "enforcement", "reconsideration", "audit" }
local words = { "%E7%A4%BE%E4%BC%9A%E6%95%91%E5%8A%A9", "%E5%85%BB%E8%80%81%E6%9C%8D%E5%8A%A1",
  "%E6%AE%A1%E8%91%AC%E6%9C%8D%E5%8A%A1", "%E5%A9%9A%E5%A7%BB%E7%99%BB%E8%AE%B0",
  "%E4%B8%B4%E6%97%B6%E6%95%91%E5%8A%A9", "%E6%85%88%E5%96%84%E5%8B%9F%E6%8D%90",
  "%E4%BD%8E%E4%BF%9D+%E8%B5%84%E9%87%91", "%E5%85%BB%E8%80%81+%E8%A1%A5%E8%B4%B4" }
local cookie = os.getenv("COOKIE") or ""
local token = os.getenv("TOKEN") or ""
local api_token = os.getenv("API_TOKEN") or ""
local org = os.getenv("ORG") or "1"
local static_path = os.getenv("PATH_STATIC") or "/doc.html"
local apply_body = "applicant_kind=natural_person&applicant_name=%E5%BC%A0%E4%B8%89&id_kind=resident_id" ..
  "&id_number=11010519491231002X&phone=13800138000&email=zhang%40example.com" ..
  "&info_title=2025%E5%B9%B4%E4%BD%8E%E4%BF%9D%E8%B5%84%E9%87%91%E5%8F%91%E6%94%BE%E6%83%85%E5%86%B5" ..
  "&delivery_form=%E7%94%B5%E5%AD%90%E6%95%B0%E6%8D%AE&delivery_method=%E7%94%B5%E5%AD%90%E9%82%AE%E4%BB%B6" ..
  "&_csrf=" .. token
local api_paths = { "/api/v1/orgs", "/api/v1/orgs/" .. org .. "/applications", "/api/v1/orgs/" .. org .. "/press" }
math.randomseed(os.time())
request = function()
  if kind == "doc" then
    return wrk.format("GET", "/info/" .. math.random(1, n))
  elseif kind == "column" then
    return wrk.format("GET", "/o/gzmz/c/" .. columns[math.random(#columns)] .. "?page=" .. math.random(1, pages))
  elseif kind == "search" then
    return wrk.format("GET", "/search?q=" .. words[math.random(#words)])
  elseif kind == "home" then
    return wrk.format("GET", "/")
  elseif kind == "apply" then
    local ip = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
    return wrk.format("POST", "/apply/gzmz", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie,
      ["X-Forwarded-For"] = ip,
    }, apply_body)
  elseif kind == "api" then
    return wrk.format("GET", api_paths[math.random(#api_paths)], { ["Authorization"] = "Bearer " .. api_token })
  else
    return wrk.format("GET", static_path)
  end
end
