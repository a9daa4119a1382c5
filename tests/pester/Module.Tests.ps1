#Requires -Version 5.1
# The staged module: imports on its own, exports exactly what the manifest says, passes Test-ModuleManifest,
# and survives Remove-Module / Import-Module in one session.

Describe 'Jelou module' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $modulePath = Get-JelouModulePath
        $moduleFolder = Split-Path -Parent $modulePath
        $manifest = Import-PowerShellDataFile -Path $modulePath
        $expectedCmdlets = @($manifest.CmdletsToExport | Sort-Object)
        Import-Module $modulePath -Force
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    It 'stages the manifest, the root module and the format file together' {
        Test-Path -LiteralPath (Join-Path $moduleFolder $manifest.RootModule) | Should -BeTrue
        foreach ($format in @($manifest.FormatsToProcess)) {
            Test-Path -LiteralPath (Join-Path $moduleFolder $format) | Should -BeTrue
        }

        Split-Path -Leaf $moduleFolder | Should -Be $manifest.ModuleVersion
    }

    It 'imports in a new process with only the built-in modules on PSModulePath' {
        $output = @(Invoke-IsolatedScript -ArgumentList $modulePath -ScriptBlock {
                param($ModulePath)
                $env:PSModulePath = Join-Path $PSHOME 'Modules'
                try {
                    $module = Import-Module $ModulePath -PassThru -ErrorAction Stop
                    [pscustomobject]@{
                        Ok              = $true
                        Error           = ''
                        Name            = $module.Name
                        Version         = $module.Version.ToString()
                        RequiredModules = @($module.RequiredModules).Count
                        Commands        = (@(Get-Command -Module Jelou | ForEach-Object { $_.Name } | Sort-Object) -join ',')
                    }
                }
                catch {
                    [pscustomobject]@{ Ok = $false; Error = $_.ToString(); Name = ''; Version = ''; RequiredModules = 0; Commands = '' }
                }
            })

        $output.Count | Should -Be 1
        $output[0].Error | Should -BeNullOrEmpty
        $output[0].Ok | Should -BeTrue
        $output[0].Name | Should -Be 'Jelou'
        $output[0].Version | Should -Be $manifest.ModuleVersion
        $output[0].RequiredModules | Should -Be 0
        $output[0].Commands | Should -Be ($expectedCmdlets -join ',')
    }

    It 'exports exactly the cmdlets listed in CmdletsToExport' {
        $expectedCmdlets.Count | Should -BeGreaterThan 0
        $actual = @(Get-Command -Module Jelou | ForEach-Object { $_.Name } | Sort-Object)
        ($actual -join ',') | Should -Be ($expectedCmdlets -join ',')
        @(Get-Command -Module Jelou -CommandType Cmdlet).Count | Should -Be $expectedCmdlets.Count
        @(Get-Command -Module Jelou -CommandType 'Function', 'Alias').Count | Should -Be 0
    }

    It 'has a manifest that passes Test-ModuleManifest' {
        $info = Test-ModuleManifest -Path $modulePath -ErrorAction Stop
        $info.Name | Should -Be 'Jelou'
        $info.Version | Should -Be ([version]$manifest.ModuleVersion)
        $info.Description | Should -Not -BeNullOrEmpty
    }

    It 'loads the format views of the result types' {
        # Every result type a cmdlet declares ([OutputType] in Jelou.Results), so a new one needs a view too.
        $resultTypes = @(Get-Command -Module Jelou -CommandType Cmdlet | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Name } |
                Where-Object { $_ -like 'Jelou.Results.*' } | Sort-Object -Unique)
        $resultTypes.Count | Should -BeGreaterThan 0
        foreach ($typeName in $resultTypes) {
            Get-FormatData -TypeName $typeName | Should -Not -BeNullOrEmpty -Because "$typeName is the output of a cmdlet"
        }
    }

    It 'can be removed and imported again in the same session, and still sends' {
        Remove-Module -Name Jelou -Force -ErrorAction Stop
        Get-Module -Name Jelou | Should -BeNullOrEmpty

        $module = Import-Module $modulePath -Force -PassThru -ErrorAction Stop
        $module.Name | Should -Be 'Jelou'
        $actual = @(Get-Command -Module Jelou | ForEach-Object { $_.Name } | Sort-Object)
        ($actual -join ',') | Should -Be ($expectedCmdlets -join ',')

        Reset-FakeJelouApi $fake
        $result = Send-JelouBotMessage -BotId 'bot1' -UserId '593999000101' -Text 'Después de reimportar' @conn -ErrorAction Stop
        $result.Status | Should -Be 'Sent'
        @((Get-FakeLedger $fake).entries).Count | Should -Be 1
    }
}
