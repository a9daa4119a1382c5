#Requires -Version 5.1
# Get-Help finds the MAML built from src/Jelou.PowerShell/Help and the about_Jelou topic in the staged module.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
    $cmdletNames = @((Import-PowerShellDataFile -Path (Get-JelouModulePath)).CmdletsToExport)
}

Describe 'Jelou help' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $savedModulePath = Import-JelouModuleFromPath
    }

    AfterAll {
        $env:PSModulePath = $savedModulePath
    }

    It '<_> has a written synopsis, a description and examples' -ForEach $cmdletNames {
        $help = Get-Help -Name $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help makes the synopsis from the syntax, which starts with the command name.
        $help.Synopsis | Should -Not -Match ('^\s*' + [regex]::Escape($_))
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }

    It 'documents -UserId of Send-JelouBotMessage' {
        $parameter = Get-Help -Name Send-JelouBotMessage -Parameter UserId
        ($parameter.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'finds the about_Jelou topic' {
        $text = Get-Help -Name about_Jelou | Out-String
        $text | Should -Match 'JELOU_CLIENT_ID'
        $text | Should -Match '24'
    }
}
