#Requires -Version 5.1
<#
.SYNOPSIS
    Restores Pester from NuGet (tests/tools/Pester.csproj) and returns the path of its module manifest.
.DESCRIPTION
    The one way every test entry point (build.ps1 -Task Test, tests/run-all.sh, tests/pester/Invoke-JelouPester.ps1)
    gets Pester: the PowerShell Gallery is not reachable from CI, and a Pester installed on the machine may be another
    version. The package's tools/ folder is the module, so nothing is installed anywhere: the restore puts it in the
    NuGet cache and the caller imports it from there. Throws, naming the step, when the restore fails or the module
    is not where the project says; a test run without Pester is a failed run, never a skipped one.
.EXAMPLE
    Import-Module -Name (& tests/tools/Get-PesterModule.ps1) -Force
#>
[CmdletBinding()]
[OutputType([string])]
param()

$ErrorActionPreference = 'Stop'
$project = Join-Path -Path $PSScriptRoot -ChildPath 'Pester.csproj'
$dotnet = Get-Command -Name 'dotnet' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if ($null -eq $dotnet) {
    throw 'dotnet is not on PATH: Pester is restored from NuGet with the .NET SDK (tests/tools/Pester.csproj).'
}

# Native output goes to the host, not to this script's output, which is only the path.
& $dotnet.Source restore $project -nologo -v q | Out-Host
if ($LASTEXITCODE -ne 0) {
    throw "Restoring Pester failed: dotnet restore $project exited with $LASTEXITCODE."
}

$path = & $dotnet.Source msbuild $project -nologo '-getProperty:PesterModulePath'
if ($LASTEXITCODE -ne 0 -or -not $path) {
    throw "Could not read PesterModulePath from $project (dotnet msbuild exited with $LASTEXITCODE)."
}

$path = ([string]($path | Select-Object -Last 1)).Trim()
if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
    throw "Pester was restored but its module is not at '$path'."
}

$path
