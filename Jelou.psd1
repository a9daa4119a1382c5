@{
    RootModule             = 'Jelou.psm1'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Core', 'Desktop')
    GUID                   = '6f0d3c2e-9a4b-4f57-8c1e-2b7d5a9e4c31'
    Author                 = 'Jelou for PowerShell contributors'
    CompanyName            = 'Community'
    Copyright              = '(c) Jelou for PowerShell contributors. MIT License.'
    Description            = 'Send WhatsApp messages through the Jelou API: every message type, bulk sends from CSV through the pipeline, safe credentials and retries that never deliver a message twice.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('Jelou.Format.ps1xml')
    CmdletsToExport        = @(
        'Send-JelouBotMessage'
        'Send-JelouRoomMessage'
        'Send-JelouTemplate'
        'Set-JelouCredential'
        'Get-JelouCredential'
        'Remove-JelouCredential'
        'Test-JelouCredential'
        'Set-JelouRequestContext'
        'Get-JelouRequestContext'
        'Get-JelouTemplate'
        'Start-JelouCampaign'
        'Get-JelouCampaign'
        'Get-JelouMessageStatus'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Jelou', 'WhatsApp', 'Messaging', 'Chatbot', 'Bulk', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/jelou-powershell/Jelou'
            LicenseUri   = 'https://github.com/jelou-powershell/Jelou/blob/main/LICENSE'
            ReleaseNotes = 'First release: Send-JelouBotMessage (every message type), Send-JelouRoomMessage, bulk sends from CSV, credentials (Set-, Get-, Remove-, Test-JelouCredential) and session request defaults (Set-, Get-JelouRequestContext).'
        }
    }
}
