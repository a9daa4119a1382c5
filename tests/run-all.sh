#!/usr/bin/env bash
# The README's test command, for bash: PowerShell 7.6.9 from the repository's tool manifest, then build.ps1 -Task Test,
# which restores Pester from NuGet, builds, runs xunit and Pester, and ends with 'N passed, N failed' over both.
cd "$(dirname "$0")/.." || exit 1
dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
