#!/usr/bin/env bash
# Try Escalation Desk in the Microsoft 365 Agents Playground (Teams in a browser, no
# tenant, no tunnel): builds and starts the bot in local mode with its own database,
# then starts the playground on http://localhost:56150. Ctrl-C stops both.
#
#   scripts/playground.sh
#
# Needs only the npm registry: the playground (npm @microsoft/m365agentsplayground 0.2)
# comes through npx. It reads .m365agentsplayground.yml (you, Dana Agent; the team
# Customer Operations with General and Engineering) and not the app manifest.
set -euo pipefail
cd "$(dirname "$0")/.."

bot_port="${PORT:-3978}"
playground_port="${PLAYGROUND_PORT:-56150}"
scratch="${TMPDIR:-/tmp}/escalation-desk-playground"
mkdir -p "$scratch"
# Escalations made in the playground stay out of ./data; delete the folder to start afresh.
database_url="${PLAYGROUND_DATABASE_URL:-sqlite:$scratch/escalations.db}"
# The playground writes its errors (a bad .m365agentsplayground.yml, say) here, not to the terminal.
playground_log="$scratch/playground.log"

if [ -z "${SKIP_BUILD:-}" ]; then npm run build; fi

# Local mode: no Bot Framework authentication, which is what the playground speaks. The
# playground's roster names no team owners: Dana (you, in .m365agentsplayground.yml) is made an
# admin so she may bind tiers to channels.
env -u BOT_ID -u BOT_PASSWORD -u BOT_TENANT_ID -u BOT_TYPE \
  PORT="$bot_port" HOST=127.0.0.1 DATABASE_URL="$database_url" \
  ADMINS="${ADMINS:-00000000-0000-4000-8000-0000000d0a00}" \
  node dist/src/main.js &
bot_pid=$!
trap 'kill "$bot_pid" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$bot_port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$bot_pid" 2>/dev/null; then echo "The bot did not start: see the lines above." >&2; exit 1; fi
  sleep 0.2
done

echo "Open http://localhost:$playground_port in a browser. Ctrl-C stops the playground and the bot."
set +e
APPLICATION_INSIGHTS_NO_STATSBEAT=true \
APPLICATIONINSIGHTS_CONFIGURATION_CONTENT='{"enableAutoCollectHeartbeat":false,"noStatsbeat":true}' \
TEAMSAPPTESTER_BROWSER="${TEAMSAPPTESTER_BROWSER:-none}" \
M365_AGENTS_PLAYGROUND_LOGFILE="$playground_log" \
  npx -y @microsoft/m365agentsplayground@0.2 \
  -e "http://127.0.0.1:$bot_port/api/messages" -c msteams --disable-telemetry -p "$playground_port"
status=$?
set -e
if [ "$status" -ne 0 ] && [ "$status" -ne 130 ]; then
  echo "The playground stopped. What it said:" >&2
  grep -E '^error' "$playground_log" >&2 || tail -n 20 "$playground_log" >&2
fi
exit "$status"
