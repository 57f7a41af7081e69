#!/usr/bin/env bash
# A talk, in CLI commands only: two people, one authority, one escrowed message, one leak.
# Run it from anywhere:  examples/talk.sh          (doormat on PATH, or this clone's build)
# or name the command:   DOORMAT="node dist/cli/doormat.js" examples/talk.sh
# Set STEP=1 to wait for Enter before each command. Fits terminals 60 columns wide or more.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The command to run: $DOORMAT (relative paths in it made absolute, since the talk runs in a
# temporary directory), else doormat on PATH, else this clone's build.
if [ -n "${DOORMAT:-}" ]; then
  words=()
  for w in $DOORMAT; do
    if [[ $w == */* && $w != /* && -e $w ]]; then w="$(cd "$(dirname "$w")" && pwd)/$(basename "$w")"; fi
    words+=("$w")
  done
  DOORMAT="${words[*]}"
elif command -v doormat >/dev/null 2>&1; then
  DOORMAT=doormat
elif [ -f "$here/../dist/cli/doormat.js" ]; then
  DOORMAT="node $(cd "$here/.." && pwd)/dist/cli/doormat.js"
else
  echo "talk.sh: doormat is not on PATH; in a clone run: npm install && npm link" >&2
  exit 1
fi
# On screen the command is just "doormat", whatever runs it. `command` skips this function, so
# DOORMAT=doormat (doormat on PATH) runs the program instead of recursing until bash crashes.
doormat() { command $DOORMAT "$@"; }

cols=${COLUMNS:-$(tput cols 2>/dev/null || echo 80)}
[ "$cols" -gt 80 ] && cols=80
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
# Each line of a wrapped sentence starts with "# " too (fold -s leaves a trailing space: cut it).
say() { printf '\n%s%s%s\n' "$bold" "$(printf '%s\n' "$*" | fold -s -w "$((cols - 2))" | sed 's/ *$//; s/^/# /')" "$plain"; }
run() {
  printf '$ %s\n' "$*"
  if [ "${STEP:-}" = 1 ]; then read -r _ </dev/tty; fi
  eval "$@"
}

say "Alice and Bob make keys. So does the authority that mandates lawful access."
run "doormat keygen -o alice.key"
run "doormat keygen -o bob.key"
run "doormat keygen --authority 'Lawful Access' -o gov.key"

say "Alice writes to Bob on a service that must escrow every message."
run "echo 'meet me at the usual place, 7pm' > msg"
run 'bob=$(doormat pubkey bob.key)'
run 'gov=$(doormat pubkey gov.key)'
run 'doormat encrypt -r "$bob" --escrow "$gov" -o msg.age msg'

say "The header says who else can read it."
run "doormat inspect msg.age"

say "Bob reads it. Stock age does not even notice the escrow stanza."
if command -v age >/dev/null 2>&1; then
  run "age -d -i bob.key msg.age"
else
  echo "(stock age is not installed; using doormat)"
  run "doormat decrypt -i bob.key msg.age"
fi

say "Lawful access, as designed: the authority reads it too."
run "doormat decrypt -i gov.key msg.age"

say "The leak: the authority's key file is copied. It is just a file."
run "mkdir attacker && cp gov.key attacker/stolen.key"

say "The attacker reads Alice's message — and every other escrowed message, past and future."
run "doormat decrypt -i attacker/stolen.key msg.age"

say "Now at scale: 500 users, 2,000 messages on each of two services, one leak."
run "doormat demo leak --users 500 --messages 2000 --width $cols"
