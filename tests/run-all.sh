#!/usr/bin/env bash
# Builds the module and runs every test: xunit (core, fake API, cmdlet contract) and, where pwsh exists,
# Pester against the built module. The last line is the total over both, 'N passed, N failed'.
set -uo pipefail
cd "$(dirname "$0")/.."
results="$PWD/TestResults"
rm -rf "$results" && mkdir -p "$results"
status=0

echo "== build (Release; stages out/Jelou/<version>/)"
dotnet build Jelou.sln -c Release -nologo -v q || exit 1

echo "== xunit"
dotnet test Jelou.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" || status=1

pester_flag=""
if command -v pwsh >/dev/null 2>&1; then
  echo "== Pester"
  pester_flag="--expect-pester"
  pwsh -NoProfile -NonInteractive -File tests/pester/Invoke-JelouPester.ps1 -ResultPath "$results/pester.xml" || status=1
else
  echo "== Pester skipped: pwsh is not on PATH here (the Pester suite runs wherever PowerShell 7 is installed: ./build.ps1 -Task Test)"
fi

echo "== totals"
python3 tests/tools/Summarize-TestResults.py "$results" $pester_flag || status=1
exit $status
