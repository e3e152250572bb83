-- Books tokens spent beyond (or, negative, below) what was taken: the upstream's usage
-- against the estimate. Same sums as Gcra.correct.
-- KEYS: tokens tat, tokens used today, tokens used this month (one slot; the last two may
--       be absent for an account)
-- ARGV: now ms, tokens/min, tokens/day, tokens/month (0 = none), tokens, day end ms, month end ms
local now = tonumber(ARGV[1])
local tpm, tpd, tpmo = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local n = tonumber(ARGV[5])
local dayEnd, monthEnd = tonumber(ARGV[6]), tonumber(ARGV[7])
if tpm > 0 then
  local stored = redis.call('GET', KEYS[1])
  local tat = math.max(stored and tonumber(stored) or now, now) + n * 60000 / tpm
  tat = math.max(tat, now)
  redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
end
local function book(key, ends)
  local used = redis.call('INCRBY', key, n)
  if used < 0 then redis.call('SET', key, 0) end
  redis.call('PEXPIRE', key, ends - now + 86400000)
end
if tpd > 0 then book(KEYS[2], dayEnd) end
if tpmo > 0 then book(KEYS[3], monthEnd) end
return 0
