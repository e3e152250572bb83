-- Paces one call to an upstream account: refuses it while the account cools down from a
-- 429, reserves it if its budget allows it within the wait allowed, else refuses it.
-- Same sums as LocalQuotaStore.AccountState.
-- KEYS: requests tat, tokens tat, cooldown (one {account} slot)
-- ARGV: now ms, requests/min, tokens/min (0 = none), tokens, longest wait ms
-- Returns: status (0 go, 1 refused, 2 cooling), ms (wait, retry or cooldown left; -1 never),
--          1 if the tokens limit refused it
local now = tonumber(ARGV[1])
local rpm, tpm, n, maxWait = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local cooling = redis.call('PTTL', KEYS[3])
if cooling > 0 then return { 2, cooling, 0 } end
local WINDOW = 60000

-- new tat if reserved, wait ms (-1 never)
local function wait(key, limit, units)
  local stored = redis.call('GET', key)
  local tat = math.max(stored and tonumber(stored) or now, now)
  local newTat = tat + units * WINDOW / limit
  if units > limit then return newTat, -1 end
  return newTat, math.max(0, math.ceil(newTat - now - WINDOW))
end

local rTat, rWait, tTat, tWait = 0, 0, 0, 0
if rpm > 0 then rTat, rWait = wait(KEYS[1], rpm, 1) end
if tpm > 0 then tTat, tWait = wait(KEYS[2], tpm, n) end
if tWait == -1 then return { 1, -1, 1 } end
if tWait > maxWait then return { 1, math.max(tWait, rWait), 1 } end
if rWait > maxWait then return { 1, rWait, 0 } end
if rpm > 0 then redis.call('SET', KEYS[1], string.format('%.3f', rTat), 'PX', math.ceil(rTat - now) + 1000) end
if tpm > 0 then redis.call('SET', KEYS[2], string.format('%.3f', tTat), 'PX', math.ceil(tTat - now) + 1000) end
return { 0, math.max(rWait, tWait), 0 }
