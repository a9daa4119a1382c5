#Requires -Version 5.1
# Get-JelouTemplate against the fake API's template catalogue (tests/Jelou.FakeApi/FakeTemplates.cs), over loopback:
# the typed objects, the wildcard and filters done on our side, the table at 80 columns, paging with -First, and the
# template name completer, which completes from the listing when a credential is at hand and otherwise says nothing.

Describe 'Get-JelouTemplate' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        Set-JelouRequestContext -Reset

        # 120 generated templates after the catalogue: a listing of three pages of 50.
        $fake = Start-FakeJelouApi -ArgumentList '--extra-templates', '120'
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
        function Get-TemplateRequests { @((Get-FakeLedger $fake -Attempts).attempts | Where-Object endpoint -eq 'templates').Count }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    BeforeEach {
        Reset-FakeJelouApi $fake
    }

    Context 'output' {
        It 'writes typed templates with the fields of the listing' {
            $templates = @(Get-JelouTemplate -BotId 'bot1' -Name 'recordatorio_pago' @conn)

            $templates.Count | Should -Be 2
            # The module's types live in its own load context, so they are checked by name.
            $templates | ForEach-Object { $_.GetType().FullName | Should -Be 'Jelou.Templates.JelouTemplate' }
            $es = $templates | Where-Object Language -eq 'es'
            $es.Status | Should -Be 'APPROVED'
            $es.Category | Should -Be 'UTILITY'
            $es.ParameterCount | Should -Be 2
            $es.Text | Should -BeLike 'Hola {{1}}, te recordamos*'
            $es.Raw.GetProperty('elementName').GetString() | Should -Be 'recordatorio_pago'
        }

        It 'reads a media header, buttons, and leaves an uncountable ParameterCount empty' {
            $factura = Get-JelouTemplate -BotId 'bot1' -Name 'factura_pdf' @conn
            $envio = Get-JelouTemplate -BotId 'bot1' -Name 'envio_en_camino' @conn
            $encuesta = Get-JelouTemplate -BotId 'bot1' -Name 'encuesta_servicio' @conn

            $factura.HeaderType | Should -Be 'DOCUMENT'
            $factura.IsMedia | Should -BeTrue
            @($envio.Buttons).Count | Should -Be 1
            $envio.Buttons[0].Url | Should -Be 'https://tienda.example/pedidos/{{1}}'
            $encuesta.ParameterCount | Should -BeNullOrEmpty
        }

        It 'matches -Name as a wildcard on our side after the server''s looser search' {
            # The server's search for "recordatorio" would also match other names; here "oferta_relampago" contains
            # "pago", which a search for "*pago" would bring back, and the pattern must drop it.
            $names = @(Get-JelouTemplate -BotId 'bot1' -Name 'recordatorio_*' @conn | ForEach-Object Name | Select-Object -Unique)
            $pago = @(Get-JelouTemplate -BotId 'bot1' -Name '*_pago' @conn | ForEach-Object Name | Select-Object -Unique)
            $upper = @(Get-JelouTemplate -BotId 'bot1' -Name 'RECORDATORIO_P?GO' @conn)

            $names | Should -Be @('recordatorio_pago')
            $pago | Should -Be @('recordatorio_pago')
            $upper.Count | Should -Be 2
        }

        It 'filters by -Status and -Category' {
            $pending = @(Get-JelouTemplate -BotId 'bot1' -Status PENDING @conn)
            $auth = @(Get-JelouTemplate -BotId 'bot1' -Category authentication @conn)

            $pending.Name | Should -Be @('promocion_verano')
            $auth.Name | Should -Be @('codigo_verificacion')
            $auth[0].IsAuthentication | Should -BeTrue
        }

        It 'rejects a status the API does not have' {
            { Get-JelouTemplate -BotId 'bot1' -Status 'APROBADO' @conn } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Jelou.PowerShell.Commands.GetJelouTemplateCommand'
        }

        It 'a 403 on the listing is a terminating permission error' {
            $null = Set-FakeFaults $fake @{ forbidTemplateListing = $true }

            $failure = { Get-JelouTemplate -BotId 'bot1' @conn } | Should -Throw -PassThru

            $failure.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $failure.Exception.StatusCode | Should -Be 403
        }
    }

    Context 'the table' {
        It 'fits 80 columns with every header whole and the name readable' {
            $lines = @((Get-JelouTemplate -BotId 'bot1' -First 10 @conn | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

            $header = $lines | Where-Object { $_ -match '^Name\s' } | Select-Object -First 1
            $header | Should -Match '^Name\s+Language\s+Status\s+Category\s+ParameterCount\s*$'
            foreach ($line in $lines) {
                $line.Length | Should -BeLessOrEqual 80 -Because "the table fits 80 columns: '$line'"
            }

            $lines | Where-Object { $_ -match '^codigo_verificacion\s+es\s+APPROVED\s+AUTHENTICATION\s+1\s*$' } | Should -Not -BeNullOrEmpty
        }
    }

    Context 'paging' {
        It 'streams every page of a long listing' {
            $all = @(Get-JelouTemplate -BotId 'bot1' @conn)

            $all.Count | Should -Be 132
            Get-TemplateRequests | Should -Be 3
        }

        It '-First reads only the pages it needs' {
            $first = @(Get-JelouTemplate -BotId 'bot1' -First 5 @conn)

            $first.Count | Should -Be 5
            Get-TemplateRequests | Should -Be 1
        }

        It '-Skip and -First count the templates written after the wildcard' {
            $all = @(Get-JelouTemplate -BotId 'bot1' -Name 'plantilla_*' @conn)
            Reset-FakeJelouApi $fake
            $window = @(Get-JelouTemplate -BotId 'bot1' -Name 'plantilla_*' -Skip 45 -First 10 @conn)

            $all.Count | Should -Be 120
            ($window.Name -join ',') | Should -Be (($all[45..54].Name) -join ',')
            Get-TemplateRequests | Should -Be 2 -Because 'the 55th plantilla is on the second page, and no third is needed'
        }

        It '-IncludeTotalCount writes the API''s total first' {
            $out = @(Get-JelouTemplate -BotId 'bot1' -IncludeTotalCount -First 0 @conn)

            $out.Count | Should -Be 1
            [string]$out[0] | Should -Match '132'
        }
    }
}

Describe 'The template name completer' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $configHome = Join-Path ([System.IO.Path]::GetTempPath()) ('jelou-tpl-' + [guid]::NewGuid().ToString('N'))
        $environment = Enter-JelouTestEnvironment -ConfigHome $configHome
        Import-Module (Get-JelouModulePath) -Force
        $fake = Start-FakeJelouApi

        function Complete([string] $Line) {
            @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
        Exit-JelouTestEnvironment $environment -SessionProfile 'plantillas'
        Remove-Item -LiteralPath $configHome -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'with no credential anywhere completes nothing, writes no error and asks nothing' {
        $Error.Clear()

        $matches = Complete "Get-JelouTemplate -BotId bot1 -BaseUri $($fake.BaseUri) -Name reco"

        $matches.Count | Should -Be 0
        $Error.Count | Should -Be 0
        (Get-FakeLedger $fake).totalRequests | Should -Be 0 -Because 'without a credential nothing is asked of the API'
    }

    It 'completes template names from the listing with a stored profile' {
        Set-JelouCredential -Name 'plantillas' -Credential $fake.Credential -BaseUri $fake.BaseUri

        $matches = Complete 'Get-JelouTemplate -BotId bot1 -CredentialName plantillas -Name reco'
        $all = Complete 'Get-JelouTemplate -BotId bot1 -CredentialName plantillas -Name '

        @($matches.CompletionText) | Should -Be @('recordatorio_pago')
        $matches[0].ToolTip | Should -Match 'es APPROVED UTILITY 2'
        @($all.CompletionText) | Should -Contain 'codigo_verificacion'
        @($all.CompletionText).Count | Should -Be 11 -Because 'one completion per name, however many languages'
    }

    It 'completes nothing without -BotId, and nothing when the listing fails' {
        $noBot = Complete 'Get-JelouTemplate -CredentialName plantillas -Name reco'
        $null = Set-FakeFaults $fake @{ forbidTemplateListing = $true }
        $Error.Clear()
        $forbidden = Complete 'Get-JelouTemplate -BotId bot1 -CredentialName plantillas -Name reco'
        $null = Set-FakeFaults $fake @{ forbidTemplateListing = $false }

        $noBot.Count | Should -Be 0
        $forbidden.Count | Should -Be 0
        $Error.Count | Should -Be 0
    }
}
