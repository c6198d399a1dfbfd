-- wrk scenario for inmaek's Telegram webhook: realistic Updates with fresh update ids.
--   wrk -t1 -c32 -d10s -s scenario.lua http://127.0.0.1:8080/hooks/telegram
-- Mix per 20 requests: 16 /meet (companies, people, notes; Korean and English), 2 lead changes,
-- 2 company cards. Leads #1..#4 must exist (run.sh seeds them). SECRET sets the secret header;
-- ID_BASE the first update_id (several wrk processes against replicas of one database need
-- disjoint ids, or deduplication would answer their repeats).
local secret = os.getenv("SECRET")
local id_base = tonumber(os.getenv("ID_BASE") or "") or 600000000
local texts = {
  "/회의 오늘 11시 @카카오 @OpenAI 참석: 샘 알트먼, 케빈 와일 : 카카오톡×ChatGPT 연동 논의",
  "/meet 2025-02-04 14:00 @Naver @\\\"LG AI Research\\\" with Sam Altman at The Plaza : Builder Lab",
  "/회의 2025-02-05 15:00 @\\\"SK Group\\\" 참석: 최태원 : AI 반도체 협력",
  "/meet tomorrow 3pm @Samsung with Jay Y. Lee : HBM supply for inference",
  "/회의 오늘 오후 4시 @뤼튼 @42마루 참석: 이세영 : 한국어 에이전트 PoC 범위",
  "/meet today 10:00 @Kakao @OpenAI with Kevin Weil : API pricing for Korean startups",
  "/회의 2/6 9시 @네이버 참석: 최수연 : 하이퍼클로바X 협력 가능성",
  "/meet 2025-02-07 16:30 @\\\"LG AI Research\\\" with Bae Kyung-hoon : EXAONE benchmark sharing",
}
local leads = {"/리드 1 단계:협상", "/lead 2 value:$2M", "/리드 3 금액:50억", "/lead 4 stage:poc"}
local cards = {"/회사 카카오", "/company OpenAI"}

local tmpl = '{"update_id":%d,"message":{"message_id":%d,'
  .. '"from":{"id":%d,"is_bot":false,"first_name":"Ji-woo","last_name":"Kim","username":"jiwoo_kim","language_code":"ko"},'
  .. '"chat":{"id":-1001234567890,"title":"Partnerships","type":"supergroup"},'
  .. '"date":1738627200,"text":"%s",'
  .. '"entities":[{"offset":0,"length":3,"type":"bot_command"}]}}'

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if secret and secret ~= "" then wrk.headers["X-Telegram-Bot-Api-Secret-Token"] = secret end

local threads = {}
function setup(thread)
  thread:set("thread_base", id_base + #threads * 10000000)
  table.insert(threads, thread)
end
local counter = 0
function init(args) counter = thread_base or id_base end
function request()
  counter = counter + 1
  local slot = counter % 20
  local text
  if slot == 0 or slot == 10 then text = leads[math.floor(counter / 20) % #leads + 1]
  elseif slot == 5 or slot == 15 then text = cards[math.floor(counter / 20) % #cards + 1]
  else text = texts[counter % #texts + 1] end
  return wrk.format(nil, nil, nil, string.format(tmpl, counter, counter, 1111111 + counter % 5, text))
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
