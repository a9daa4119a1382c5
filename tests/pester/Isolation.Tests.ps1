#Requires -Version 5.1
# Jelou beside a module that ships a different Polly.Core, both used in one session: on PowerShell 7 the loader
# (module/Jelou.psm1 with bin/Jelou.LoadContext.dll) keeps Jelou's dependencies in a private AssemblyLoadContext
# named 'Jelou', so another module's copy in the default context neither breaks Jelou nor is broken by it.
#
# The other copy is Polly.Core 8.5.2, which the test build restores into the NuGet cache (PackageDownload in
# tests/Jelou.PowerShell.Tests). Everything runs in a new PowerShell process, so this session never loads it.
#
# Polly keeps its AssemblyVersion at 8.0.0.0 for every 8.x release (8.5.2 and 8.9.x have the same assembly identity),
# so the copies are told apart by their AssemblyFileVersion (8.5.2.x and Jelou's 8.9.x), not by GetName().Version.

Describe 'Jelou beside another module that ships a different Polly.Core' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $modulePath = Get-JelouModulePath
        $moduleFolder = Split-Path -Parent $modulePath
        $shippedPolly = [System.IO.Path]::Combine($moduleFolder, 'dependencies', 'Polly.Core.dll')
        $shippedPollyVersion = $null
        if (Test-Path -LiteralPath $shippedPolly) {
            $shippedPollyVersion = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($shippedPolly).FileVersion
        }

        # Polly.Core 8.5.2 from the NuGet cache: $env:NUGET_PACKAGES when set, else ~/.nuget/packages.
        $pollyRelative = [System.IO.Path]::Combine('polly.core', '8.5.2', 'lib', 'net8.0', 'Polly.Core.dll')
        $pollyCandidates = @()
        if ($env:NUGET_PACKAGES) {
            $pollyCandidates += [System.IO.Path]::Combine($env:NUGET_PACKAGES, $pollyRelative)
        }

        $pollyCandidates += [System.IO.Path]::Combine($HOME, '.nuget', 'packages', $pollyRelative)
        $otherPolly = $pollyCandidates | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
        $otherPollyVersion = $null
        if ($otherPolly) {
            $otherPollyVersion = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($otherPolly).FileVersion
        }

        $fake = Start-FakeJelouApi
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    It 'imports Jelou after a module that loaded Polly.Core 8.5.2, sends, keeps both copies apart, and survives a re-import' {
        if ($PSVersionTable.PSEdition -ne 'Core') {
            Set-ItResult -Skipped -Because 'assembly load contexts exist only on PowerShell 7'
            return
        }

        if (-not $otherPolly) {
            Set-ItResult -Skipped -Because ("Polly.Core 8.5.2 is not in the NuGet cache (looked for: {0}). Restore it with: dotnet restore tests/Jelou.PowerShell.Tests" -f ($pollyCandidates -join ', '))
            return
        }

        $shippedPollyVersion | Should -Not -BeNullOrEmpty -Because "the staged module ships $shippedPolly"
        $otherPollyVersion | Should -BeLike '8.5.2.*'
        $shippedPollyVersion | Should -Not -Be $otherPollyVersion -Because 'the test needs two different Polly.Core builds'

        Reset-FakeJelouApi $fake
        $workFolder = Join-Path $TestDrive 'isolation'
        $null = New-Item -ItemType Directory -Path $workFolder -Force

        $output = @(Invoke-IsolatedScript -TimeoutSeconds 180 -ArgumentList $modulePath, $otherPolly, $workFolder, $fake.BaseUri, $fake.ClientId, $fake.ClientSecret -ScriptBlock {
                param($ModulePath, $PollyPath, $WorkFolder, $BaseUri, $ClientId, $ClientSecret)
                $ProgressPreference = 'SilentlyContinue'

                # Every Polly.Core loaded in the process, in any load context.
                function Get-PollyCopies {
                    $copies = @(
                        [System.AppDomain]::CurrentDomain.GetAssemblies() |
                            Where-Object { $_.GetName().Name -eq 'Polly.Core' } |
                            ForEach-Object {
                                $fileVersion = @($_.GetCustomAttributes([System.Reflection.AssemblyFileVersionAttribute], $false))
                                $fileVersionText = ''
                                if ($fileVersion.Count -gt 0) {
                                    $fileVersionText = [string]$fileVersion[0].Version
                                }

                                [pscustomobject]@{
                                    FileVersion     = $fileVersionText
                                    AssemblyVersion = $_.GetName().Version.ToString()
                                    LoadContext     = [string][System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name
                                    Location        = [string]$_.Location
                                }
                            }
                    )
                    ConvertTo-Json -InputObject $copies -Compress
                }

                $step = 'setup'
                try {
                    # The dummy module: its own Polly.Core, loaded the classic way (Add-Type, the default load context).
                    $step = 'create the dummy module'
                    $dummyFolder = Join-Path $WorkFolder 'DummyPolly'
                    $null = New-Item -ItemType Directory -Path $dummyFolder -Force
                    Copy-Item -LiteralPath $PollyPath -Destination (Join-Path $dummyFolder 'Polly.Core.dll') -Force
                    $dummySource = @'
Add-Type -Path (Join-Path $PSScriptRoot 'Polly.Core.dll')

function Get-DummyPollyInfo {
    [CmdletBinding()]
    param()

    $assembly = [Polly.ResiliencePipeline].Assembly
    $fileVersion = @($assembly.GetCustomAttributes([System.Reflection.AssemblyFileVersionAttribute], $false))
    $fileVersionText = ''
    if ($fileVersion.Count -gt 0) {
        $fileVersionText = [string]$fileVersion[0].Version
    }

    # Proves the dummy's Polly works: run a callback through its empty pipeline.
    $box = @{ Ran = 0 }
    $executeError = ''
    try {
        $callback = { $box.Ran++ }.GetNewClosure()
        [Polly.ResiliencePipeline]::Empty.Execute([System.Action]$callback)
    }
    catch {
        $executeError = $_.ToString()
    }

    [pscustomobject]@{
        FileVersion     = $fileVersionText
        AssemblyVersion = $assembly.GetName().Version.ToString()
        LoadContext     = [string][System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name
        Location        = [string]$assembly.Location
        Executed        = [int]$box.Ran
        ExecuteError    = $executeError
    }
}

Export-ModuleMember -Function 'Get-DummyPollyInfo'
'@
                    Set-Content -LiteralPath (Join-Path $dummyFolder 'DummyPolly.psm1') -Value $dummySource -Encoding UTF8

                    $step = 'import the dummy module'
                    Import-Module (Join-Path $dummyFolder 'DummyPolly.psm1') -ErrorAction Stop
                    $before = Get-DummyPollyInfo

                    $step = 'import Jelou'
                    Import-Module $ModulePath -ErrorAction Stop
                    $secure = ConvertTo-SecureString -String $ClientSecret -AsPlainText -Force
                    $credential = New-Object System.Management.Automation.PSCredential($ClientId, $secure)

                    $step = 'send with Jelou'
                    $first = Send-JelouBotMessage -BotId 'bot1' -UserId '593999000901' -Text 'Junto a otro Polly' -BaseUri $BaseUri -Credential $credential -ErrorAction Stop
                    $after = Get-DummyPollyInfo
                    $copiesAfterSend = Get-PollyCopies

                    $step = 'remove and import Jelou again'
                    Remove-Module -Name 'Jelou' -Force -ErrorAction Stop
                    Import-Module $ModulePath -ErrorAction Stop

                    $step = 'send after the re-import'
                    $second = Send-JelouBotMessage -BotId 'bot1' -UserId '593999000902' -Text 'Tras reimportar' -BaseUri $BaseUri -Credential $credential -ErrorAction Stop
                    $afterReimport = Get-DummyPollyInfo
                    $copiesAfterReimport = Get-PollyCopies

                    [pscustomobject]@{
                        Ok                        = $true
                        Error                     = ''
                        BeforeFileVersion         = $before.FileVersion
                        BeforeLoadContext         = $before.LoadContext
                        BeforeExecuted            = $before.Executed
                        BeforeExecuteError        = $before.ExecuteError
                        AfterFileVersion          = $after.FileVersion
                        AfterLoadContext          = $after.LoadContext
                        AfterExecuted             = $after.Executed
                        AfterExecuteError         = $after.ExecuteError
                        AfterReimportFileVersion  = $afterReimport.FileVersion
                        AfterReimportExecuted     = $afterReimport.Executed
                        AfterReimportExecuteError = $afterReimport.ExecuteError
                        FirstStatus               = (@($first | ForEach-Object { [string]$_.Status }) -join ',')
                        SecondStatus              = (@($second | ForEach-Object { [string]$_.Status }) -join ',')
                        CopiesAfterSend           = $copiesAfterSend
                        CopiesAfterReimport       = $copiesAfterReimport
                        JelouModules              = @(Get-Module -Name 'Jelou').Count
                    }
                }
                catch {
                    [pscustomobject]@{ Ok = $false; Error = "Failed to $($step): " + [string]$_.FullyQualifiedErrorId + ': ' + $_.ToString() }
                }
            })

        $output.Count | Should -Be 1
        $output[0].Error | Should -BeNullOrEmpty
        $output[0].Ok | Should -BeTrue

        # The dummy's Polly.Core works before and after Jelou arrives, and is still 8.5.2 in the default context.
        $output[0].BeforeFileVersion | Should -Be $otherPollyVersion
        $output[0].BeforeLoadContext | Should -Be 'Default'
        $output[0].BeforeExecuteError | Should -BeNullOrEmpty
        $output[0].BeforeExecuted | Should -Be 1
        $output[0].AfterFileVersion | Should -Be $otherPollyVersion -Because 'importing Jelou does not replace the other module''s Polly.Core'
        $output[0].AfterLoadContext | Should -Be 'Default'
        $output[0].AfterExecuteError | Should -BeNullOrEmpty
        $output[0].AfterExecuted | Should -Be 1
        $output[0].AfterReimportFileVersion | Should -Be $otherPollyVersion
        $output[0].AfterReimportExecuteError | Should -BeNullOrEmpty
        $output[0].AfterReimportExecuted | Should -Be 1

        # Jelou sends with its own copy, before and after Remove-Module / Import-Module.
        $output[0].FirstStatus | Should -Be 'Sent'
        $output[0].SecondStatus | Should -Be 'Sent'
        $output[0].JelouModules | Should -Be 1
        $ledger = Get-FakeLedger $fake
        @($ledger.entries).Count | Should -Be 2
        (@($ledger.entries | ForEach-Object { ($_.body | ConvertFrom-Json).text }) -join '|') | Should -BeExactly 'Junto a otro Polly|Tras reimportar'

        # Both copies are loaded side by side: the dummy's in the default context, Jelou's in the 'Jelou' context.
        foreach ($json in @($output[0].CopiesAfterSend, $output[0].CopiesAfterReimport)) {
            $copies = @($json | ConvertFrom-Json)
            $copies.Count | Should -Be 2 -Because "exactly two Polly.Core copies are loaded: $json"

            $other = @($copies | Where-Object { $_.LoadContext -eq 'Default' })
            $other.Count | Should -Be 1
            $other[0].FileVersion | Should -Be $otherPollyVersion
            $other[0].Location | Should -BeLike '*DummyPolly?Polly.Core.dll'

            $jelou = @($copies | Where-Object { $_.LoadContext -eq 'Jelou' })
            $jelou.Count | Should -Be 1 -Because "Jelou's Polly.Core lives in the load context named 'Jelou': $json"
            $jelou[0].FileVersion | Should -Be $shippedPollyVersion -Because 'Jelou uses the Polly.Core it ships in dependencies/'
            $jelou[0].Location | Should -BeLike '*dependencies?Polly.Core.dll'
        }
    }
}
