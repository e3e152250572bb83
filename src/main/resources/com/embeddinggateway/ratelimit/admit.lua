-- Admits one request against a tenant's limits, atomically: all of them allow it, or
-- nothing changes. Same sums as Gcra.java and LocalQuotaStore.java.
-- KEYS: requests tat, tokens tat, tokens used today, tokens used this month (one {tenant} slot)
-- ARGV: now ms, requests/min, tokens/min, tokens/day, tokens/month (0 = none), tokens,
--       day end ms, month end ms
-- Returns: verdict, retry ms, requests remaining, requests reset ms, tokens remaining,
--          tokens reset ms, day used, month used
local now = tonumber(ARGV[1])
local rpm, tpm, tpd, tpmo = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local n = tonumber(ARGV[6])
local dayEnd, monthEnd = tonumber(ARGV[7]), tonumber(ARGV[8])
local WINDOW = 60000

-- allowed, new tat (or unchanged), wait ms (-1 never), remaining, reset ms
local function take(key, limit, units)
  local stored = redis.call('GET', key)
  local tat = stored and tonumber(stored) or now
  local interval = WINDOW / limit
  local base = math.max(tat, now)
  local newTat = base + units * interval
  local wait = newTat - now - WINDOW
  if wait <= 0 then
    return true, newTat, 0, math.max(0, math.floor((now + WINDOW - newTat) / interval)), math.ceil(newTat - now)
  end
  if units > limit then wait = -1 else wait = math.ceil(wait) end
  return false, base, wait, math.max(0, math.floor((now + WINDOW - base) / interval)), math.ceil(base - now)
end

local rOk, rTat, rWait, rRem, rReset = true, 0, 0, 0, 0
local tOk, tTat, tWait, tRem, tReset = true, 0, 0, 0, 0
if rpm > 0 then rOk, rTat, rWait, rRem, rReset = take(KEYS[1], rpm, 1) end
if tpm > 0 then tOk, tTat, tWait, tRem, tReset = take(KEYS[2], tpm, n) end
local dayUsed = tonumber(redis.call('GET', KEYS[3]) or '0')
local monthUsed = tonumber(redis.call('GET', KEYS[4]) or '0')

local verdict, retry = 0, 0
if tpmo > 0 and monthUsed + n > tpmo then
  verdict = 4
elseif tpd > 0 and dayUsed + n > tpd then
  verdict = 3
elseif tpm > 0 and tWait == -1 then
  verdict = 5
else
  if not rOk then verdict, retry = 1, rWait end
  if not tOk and tWait > retry then verdict, retry = 2, tWait end
end

if verdict == 0 then
  -- Every key expires once it no longer matters: a minute's bucket when full again,
  -- a budget a day after its period ends.
  if rpm > 0 then redis.call('SET', KEYS[1], string.format('%.3f', rTat), 'PX', math.ceil(rTat - now) + 1000) end
  if tpm > 0 then redis.call('SET', KEYS[2], string.format('%.3f', tTat), 'PX', math.ceil(tTat - now) + 1000) end
  if tpd > 0 then
    dayUsed = redis.call('INCRBY', KEYS[3], n)
    redis.call('PEXPIRE', KEYS[3], dayEnd - now + 86400000)
  end
  if tpmo > 0 then
    monthUsed = redis.call('INCRBY', KEYS[4], n)
    redis.call('PEXPIRE', KEYS[4], monthEnd - now + 86400000)
  end
end
return { verdict, retry, rRem, rReset, tRem, tReset, dayUsed, monthUsed }
