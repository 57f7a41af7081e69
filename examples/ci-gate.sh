#!/usr/bin/env bash
# CI gate for a folder of age files, for any CI system that runs a shell:
#   1. doormat's self-test, written as a JUnit XML report (GitLab, Jenkins, Azure read it);
#   2. `doormat inspect --deny-escrow` over every *.age file below the given paths;
#   3. a SARIF file of the escrowed files, for code-scanning dashboards.
#
# Usage: examples/ci-gate.sh [PATH...]          (default: the current directory)
# Exit:  0 all clean; 3 an escrowed file; 1 a file that is not a readable age file, a failed
#        self-test, or doormat missing. Escrow wins over the rest, as with inspect itself.
#
# Environment:
#   DOORMAT       how to run doormat (default: "doormat" on the PATH)
#   DOORMAT_REPO  a git URL or path of doormat's repository: if doormat is not on the PATH,
#                 it is installed from a clone (it is not on npm yet):
#                   git clone --depth 1 "$DOORMAT_REPO" DIR && cd DIR && npm ci && npm install -g .
#   REPORT_DIR    where the reports go (default: doormat-reports): selftest.xml, escrow.sarif
#
# GitLab CI, for example, in a clone or fork of doormat's repository that also holds your age
# files (doormat is installed from that checkout, as in github-workflow.yml):
#   age-gate:
#     image: node:20
#     before_script: [ "npm ci --no-audit --no-fund", "npm install -g ." ]
#     script: [ "examples/ci-gate.sh examples/age-files/" ]
#     artifacts: { when: always, reports: { junit: doormat-reports/selftest.xml } }
set -uo pipefail

REPORT_DIR=${REPORT_DIR:-doormat-reports}

if [ -z "${DOORMAT:-}" ]; then
  DOORMAT=doormat
  if ! command -v doormat >/dev/null 2>&1; then
    if [ -z "${DOORMAT_REPO:-}" ]; then
      echo "ci-gate: doormat is not installed; set DOORMAT_REPO to a clone URL of its repository" >&2
      exit 1
    fi
    src=$(mktemp -d)
    echo "ci-gate: installing doormat from $DOORMAT_REPO"
    if ! { git clone --quiet --depth 1 "$DOORMAT_REPO" "$src/doormat" &&
           (cd "$src/doormat" && npm ci --no-audit --no-fund && npm install -g .); }; then
      echo "ci-gate: could not install doormat from $DOORMAT_REPO" >&2
      exit 1
    fi
  fi
fi

[ $# -eq 0 ] && set -- .
mkdir -p "$REPORT_DIR" || exit 1

# 1. Self-test first: a broken installation must not be trusted to gate anything.
$DOORMAT selftest --format junit --output "$REPORT_DIR/selftest.xml" --force
selftest=$?
tail -n 1 "$REPORT_DIR/selftest.xml" 2>/dev/null | sed 's/^<!-- \(.*\) -->$/selftest: \1/'

# 2. The gate: one line per file and a summary; 3 if any file is escrowed.
$DOORMAT inspect --deny-escrow "$@"
gate=$?

# 3. The same findings as SARIF (its exit status is the gate's, already known).
$DOORMAT inspect --format sarif --output "$REPORT_DIR/escrow.sarif" --force "$@" 2>/dev/null

if [ $gate -eq 3 ]; then
  echo "ci-gate: FAILED: escrowed files (a third party can read them)" >&2
  exit 3
fi
if [ $gate -ne 0 ] || [ $selftest -ne 0 ]; then
  echo "ci-gate: FAILED: $([ $selftest -ne 0 ] && echo "self-test failed; ")$([ $gate -ne 0 ] && echo "unreadable files")" >&2
  exit 1
fi
echo "ci-gate: ok"
