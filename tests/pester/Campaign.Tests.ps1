#Requires -Version 5.1
# Start-JelouCampaign and Get-JelouCampaign against the fake API over loopback (tests/Jelou.FakeApi/FakeCampaigns.cs):
# uploads from -Path and from the pipeline as the fake received them, the temporary file of pipeline input removed
# after success, failure and Ctrl+C, -WhatIf, the validation errors of a bad file and of the template pre-flight,
# and the listing: typed objects, unknown fields, the table, paging, and -Wait with its progress bar.

Describe 'Campaigns' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        Set-JelouRequestContext -Reset

        # 120 synthetic campaigns after the uploaded ones: a listing of three pages of 50.
        $fake = Start-FakeJelouApi -ArgumentList '--campaigns', '120', '--campaign-step-ms', '300'
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
        $map = [ordered]@{ 1 = 'nombre'; 2 = 'monto' }
        $start = @{ BotId = 'bot1'; TemplateName = 'recordatorio_pago'; ParameterMap = $map; Confirm = $false } + $conn
        $utf8 = New-Object System.Text.UTF8Encoding($false)
        function Write-Csv([string] $Name, [string] $Text) {
            $path = Join-Path $TestDrive $Name
            [System.IO.File]::WriteAllText($path, $Text, $utf8)
            $path
        }

        # Pipeline input is written under the temp folder; a folder of its own shows what is left behind.
        $savedTemp = @{ TMPDIR = $env:TMPDIR; TEMP = $env:TEMP; TMP = $env:TMP }
        $tempFolder = Join-Path $TestDrive 'tmp'
        $null = New-Item -ItemType Directory -Path $tempFolder
        $env:TMPDIR = $tempFolder; $env:TEMP = $tempFolder; $env:TMP = $tempFolder
        function Get-Leftovers { @(Get-ChildItem -LiteralPath $tempFolder -Filter 'jelou-campaign-*' -File) }

        $clientes = Write-Csv 'clientes.csv' "telefono,nombre,monto,activo`r`n593987654321,José Muñoz,10.50,si`r`n593987654322,Ana,20,no`r`n593987654323,Luis,5,si`r`n"
    }

    AfterAll {
        foreach ($name in 'TMPDIR', 'TEMP', 'TMP') {
            if ($null -eq $savedTemp[$name]) { Remove-Item -LiteralPath "Env:$name" -ErrorAction SilentlyContinue } else { Set-Item -LiteralPath "Env:$name" -Value $savedTemp[$name] }
        }

        Stop-FakeJelouApi $fake
    }

    BeforeEach {
        Reset-FakeJelouApi $fake
        $null = Get-FakeCampaigns $fake -StepMs 300
    }

    Context 'Start-JelouCampaign from -Path' {
        It 'uploads the file as multipart and writes a typed result' {
            $result = Start-JelouCampaign @start -CampaignName 'recordatorio_mayo' -Path $clientes

            $result.GetType().FullName | Should -Be 'Jelou.Campaigns.JelouCampaignResult'
            $result.Succeeded | Should -BeTrue
            $result.Status | Should -Be 'success'
            $result.Messages | Should -Be @('Campaign recordatorio_mayo created')
            $result.RowCount | Should -Be 3
            $result.Source | Should -Be 'Path'
            $upload = @((Get-FakeCampaigns $fake).uploads)
            $upload.Count | Should -Be 1
            $upload[0].contentType | Should -BeLike 'multipart/form-data*'
            $upload[0].fileName | Should -Be 'clientes.csv'
            $upload[0].file | Should -Be ([System.IO.File]::ReadAllText($clientes))
            $upload[0].fields.params | Should -Be '[{"param":1,"column":"nombre"},{"param":2,"column":"monto"}]'
            $upload[0].fields.campaignName | Should -Be 'recordatorio_mayo'
        }

        It 'converts a Windows-1252 file to UTF-8 and says so in Verbose output' {
            $path = Join-Path $TestDrive 'excel.csv'
            $bytes = [byte[]](@([System.Text.Encoding]::ASCII.GetBytes("telefono,nombre,monto`r`n593987654321,Jos")) + @(0xE9) + @([System.Text.Encoding]::ASCII.GetBytes(",10`r`n")))
            [System.IO.File]::WriteAllBytes($path, $bytes)

            $verbose = Start-JelouCampaign @start -CampaignName 'excel' -Path $path -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

            ($verbose.Message -join "`n") | Should -Match 'read as Windows-1252 and is uploaded converted to UTF-8'
            (Get-FakeCampaigns $fake).uploads[0].file | Should -Be "telefono,nombre,monto`r`n593987654321,José,10`r`n"
        }

        It 'sends -ScheduledAt as ISO 8601 in UTC and returns it' {
            $at = [datetime]::SpecifyKind((Get-Date).Date.AddDays(2).AddHours(9), [System.DateTimeKind]::Local)

            $result = Start-JelouCampaign @start -CampaignName 'programada' -Path $clientes -ScheduledAt $at

            $expected = $at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", [cultureinfo]::InvariantCulture)
            # Read as text: Invoke-RestMethod would turn the date back into a [datetime].
            $rest = @{ UseBasicParsing = $true }
            if ($PSVersionTable.PSVersion.Major -ge 6) { $rest = @{ NoProxy = $true } }
            (Invoke-WebRequest -Uri ($fake.BaseUri + '_fake/campaigns') @rest).Content | Should -Match ('"scheduledAt":"' + [regex]::Escape($expected) + '"')
            $result.ScheduledAt.Kind | Should -Be 'Utc'
            $result.ScheduledAt | Should -Be $at.ToUniversalTime()
            (Get-JelouCampaign -BotId bot1 -Name 'programada' @conn).Status | Should -Be 'SCHEDULED'
        }

        It 'sends -FileUrl as JSON without reading a file' {
            $result = Start-JelouCampaign @start -CampaignName 'remota' -FileUrl 'https://cdn.example.com/campanas/clientes.csv'

            $result.Succeeded | Should -BeTrue
            $result.RowCount | Should -BeNullOrEmpty
            $upload = (Get-FakeCampaigns $fake).uploads[0]
            $upload.contentType | Should -BeLike 'application/json*'
            ($upload.json | ConvertFrom-Json).fileUrl | Should -Be 'https://cdn.example.com/campanas/clientes.csv'
        }

        It 'asks for confirmation by default: its ConfirmImpact is High' {
            $attribute = (Get-Command Start-JelouCampaign).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            $attribute.ConfirmImpact | Should -Be 'High'
            $attribute.SupportsShouldProcess | Should -BeTrue
        }
    }

    Context 'Start-JelouCampaign from the pipeline' {
        It 'writes the chosen rows to a temporary CSV, phone first, uploads it and removes it' {
            $verbose = Import-Csv $clientes | Where-Object activo -eq 'si' |
                Start-JelouCampaign @start -CampaignName 'activos' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

            $upload = (Get-FakeCampaigns $fake).uploads[0]
            $upload.file | Should -Be "telefono,nombre,monto`r`n593987654321,José Muñoz,10.50`r`n593987654323,Luis,5`r`n"
            $upload.fileName | Should -Be 'activos.csv'
            $written = ($verbose.Message | Where-Object { $_ -like 'Wrote 2 rows*' })
            $written | Should -Not -BeNullOrEmpty
            $file = [regex]::Match($written, 'temporary file (\S+\.csv)').Groups[1].Value
            $file | Should -BeLike (Join-Path $tempFolder 'jelou-campaign-*.csv')
            Test-Path -LiteralPath $file | Should -BeFalse
            Get-Leftovers | Should -BeNullOrEmpty
        }

        It 'writes a formatted phone number as its digits, as the other cmdlets send it' {
            [pscustomobject]@{ Celular = '+593 98-765-4321'; nombre = 'Ana'; monto = '3' } | Start-JelouCampaign @start -CampaignName 'formato'

            (Get-FakeCampaigns $fake).uploads[0].file | Should -Be "Celular,nombre,monto`r`n593987654321,Ana,3`r`n"
        }

        It 'removes the temporary file when the upload fails' {
            # Without the pre-flight the upload is the first request, so the 500 is its answer.
            Add-FakeResponse $fake @{ status = 500 }

            $result = Import-Csv $clientes | Start-JelouCampaign @start -CampaignName 'falla' -SkipTemplateCheck -ErrorVariable failures -ErrorAction SilentlyContinue

            $result.Succeeded | Should -BeFalse
            $result.PossiblyCreated | Should -BeTrue
            $failures.Count | Should -Be 1
            $failures[0].Exception.Message | Should -Match 'may have been created; check Get-JelouCampaign'
            Get-Leftovers | Should -BeNullOrEmpty
        }

        It 'removes the temporary file when the upload is stopped (Ctrl+C)' {
            Add-FakeResponse $fake @{ status = 200; delayMs = 20000; body = '{"message":["late"],"status":"success"}' }
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($Module, $Path, $Start)
                        Import-Module $Module
                        Import-Csv $Path | Start-JelouCampaign @Start -CampaignName 'detenida'
                    }).AddParameter('Module', (Get-JelouModulePath)).AddParameter('Path', $clientes).AddParameter('Start', $start)
                $handle = $ps.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while ((Get-FakeLedger $fake).inFlight -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                (Get-FakeLedger $fake).inFlight | Should -Be 1 -Because 'the upload is under way'
                @(Get-Leftovers).Count | Should -Be 1 -Because 'the temporary file exists while it uploads'

                $ps.Stop()

                $handle.IsCompleted | Should -BeTrue
                Get-Leftovers | Should -BeNullOrEmpty
            }
            finally {
                $ps.Dispose()
            }
        }

        It 'refuses a file piped as a row' {
            { Get-Item $clientes | Start-JelouCampaign @start -CampaignName 'archivo' } | Should -Throw -ErrorId 'JelouCampaignFileAsRow,Jelou.PowerShell.Commands.StartJelouCampaignCommand'
            (Get-FakeCampaigns $fake).uploads | Should -BeNullOrEmpty
        }
    }

    Context '-WhatIf and the checks' {
        It '-WhatIf runs the checks and uploads nothing' {
            $output = Start-JelouCampaign @start -CampaignName 'ensayo' -Path $clientes -WhatIf
            $piped = Import-Csv $clientes | Start-JelouCampaign @start -CampaignName 'ensayo' -WhatIf

            $output | Should -BeNullOrEmpty
            $piped | Should -BeNullOrEmpty
            (Get-FakeCampaigns $fake).uploads | Should -BeNullOrEmpty
            Get-Leftovers | Should -BeNullOrEmpty
        }

        It 'reports every problem of a bad file with its row and column, and uploads nothing' {
            $bad = Write-Csv 'malo.csv' "telefono,nombre completo,monto`r`n+593987654321,Ana,10`r`n593987654322,Luis,`r`n0987654321,José,5`r`n"

            $err = { Start-JelouCampaign @start -CampaignName 'mala' -Path $bad -ParameterMap 'nombre', 'monto' -WhatIf } | Should -Throw -ErrorId 'JelouCampaignInvalid,Jelou.PowerShell.Commands.StartJelouCampaignCommand' -PassThru

            $message = $err.Exception.Message
            $message | Should -Match "Campaign 'mala' was not uploaded: 5 problems"
            $message | Should -Match "Header \(row 1\), column B: 'nombre completo' has characters other than letters, digits and _.*'nombre_completo'"
            $message | Should -Match "column 'nombre', which -ParameterMap gives for \{\{1\}\}, is not in the header"
            $message | Should -Match "Row 2, column 'telefono' \(A\): '\+593987654321' starts with '\+'"
            $message | Should -Match "Row 3, column 'monto' \(C\): is empty"
            $message | Should -Match "Row 4, column 'telefono' \(A\): '0987654321' starts with 0"
            $err.TargetObject.Problems.Count | Should -Be 5
            ($err.TargetObject.Problems | Where-Object Row -eq 3).Column | Should -Be 'monto'
            (Get-FakeCampaigns $fake).uploads | Should -BeNullOrEmpty
        }

        It 'reports the bad rows of pipeline input by input object and property' {
            $rows = @(
                [pscustomobject]@{ telefono = '593987654321'; nombre = 'Ana'; monto = '1' }
                [pscustomobject]@{ telefono = 'juan'; nombre = ''; monto = '2' }
            )

            $err = { $rows | Start-JelouCampaign @start -CampaignName 'filas' } | Should -Throw -ErrorId 'JelouCampaignInvalid,Jelou.PowerShell.Commands.StartJelouCampaignCommand' -PassThru

            $err.Exception.Message | Should -Match "Input object 2, property 'telefono': 'juan' is not a phone number"
            $err.Exception.Message | Should -Match "Input object 2, property 'nombre': is empty"
            Get-Leftovers | Should -BeNullOrEmpty
        }

        It 'stops before uploading when the template does not exist or is not approved' {
            { Start-JelouCampaign @start -CampaignName 'x' -Path $clientes -TemplateName 'recordatorio_pgo' } | Should -Throw -ErrorId 'TemplateNotFound,Jelou.PowerShell.Commands.StartJelouCampaignCommand'
            { Start-JelouCampaign @start -CampaignName 'x' -Path $clientes -TemplateName 'promocion_verano' } | Should -Throw -ErrorId 'TemplateNotApproved,Jelou.PowerShell.Commands.StartJelouCampaignCommand'
            (Get-FakeCampaigns $fake).uploads | Should -BeNullOrEmpty
        }

        It 'checks that the map covers exactly the template''s placeholders' {
            $short = { Start-JelouCampaign @start -CampaignName 'x' -Path $clientes -ParameterMap 'nombre' } | Should -Throw -ErrorId 'JelouCampaignInvalid,Jelou.PowerShell.Commands.StartJelouCampaignCommand' -PassThru
            $long = { Start-JelouCampaign @start -CampaignName 'x' -Path $clientes -ParameterMap 'nombre', 'monto', 'activo' } | Should -Throw -ErrorId 'JelouCampaignInvalid,Jelou.PowerShell.Commands.StartJelouCampaignCommand' -PassThru

            $short.Exception.Message | Should -Match '-ParameterMap gives no column for \{\{2\}\}'
            $long.Exception.Message | Should -Match '-ParameterMap maps \{\{3\}\}, but template'
            (Get-FakeCampaigns $fake).uploads | Should -BeNullOrEmpty
        }

        It 'refuses a parameter map that is not positions and columns' {
            { Start-JelouCampaign @start -CampaignName 'x' -Path $clientes -ParameterMap @{ uno = 'nombre' } } | Should -Throw -ErrorId 'JelouCampaignParameterMapInvalid,Jelou.PowerShell.Commands.StartJelouCampaignCommand'
        }

        It 'refuses a time in the past and a plain http file URL' {
            $past = { Start-JelouCampaign @start -CampaignName 'x' -Path $clientes -ScheduledAt (Get-Date).AddDays(-1) } | Should -Throw -PassThru
            $http = { Start-JelouCampaign @start -CampaignName 'x' -FileUrl 'http://cdn.example.com/a.csv' } | Should -Throw -PassThru

            $past.Exception.Message | Should -Match '-ScheduledAt .* is in the past'
            $http.Exception.Message | Should -Match 'uses http'
        }
    }

    Context 'Get-JelouCampaign' {
        It 'streams every page as typed campaigns with the listing''s other fields as properties' {
            $null = Start-JelouCampaign @start -CampaignName 'promo_lista' -Path $clientes

            $all = @(Get-JelouCampaign -BotId bot1 @conn)

            $all.Count | Should -Be 121
            $all[0].GetType().FullName | Should -Be 'Jelou.Campaigns.JelouCampaign'
            $all[0].Name | Should -Be 'promo_lista'
            $all[0].Status | Should -Be 'PENDING'
            $all[0].TemplateName | Should -Be 'recordatorio_pago'
            $all[0].RowCount | Should -Be 3
            $all[0].CreatedAt | Should -BeOfType [DateTimeOffset]
            $all[0].storageUrl | Should -BeLike 'https://storage.fake.jelou/campaigns/*'
            $all[0].bot.name | Should -Be 'Bot bot1'
            $all[120].Id | Should -Be 'camp-0120'
            $queries = @((Get-FakeCampaigns $fake).listingQueries)
            $queries.Count | Should -Be 3
            $queries[0] | Should -Match 'startAt=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{3}Z&endAt='
            $queries[0] | Should -Match 'limit=50'
        }

        It 'reads only the pages -First needs, and -Name matches on our side' {
            $first = @(Get-JelouCampaign -BotId bot1 -First 5 @conn)
            $named = @(Get-JelouCampaign -BotId bot1 -Name 'Campaign 11?' @conn)

            $first.Count | Should -Be 5
            $named.Name | Should -Be @('Campaign 110', 'Campaign 111', 'Campaign 112', 'Campaign 113', 'Campaign 114', 'Campaign 115', 'Campaign 116', 'Campaign 117', 'Campaign 118', 'Campaign 119')
            @((Get-FakeCampaigns $fake).listingQueries).Count | Should -Be 4
        }

        It 'shows a table of Name, Status, TemplateName, RowCount and UpdatedAt' {
            $text = Get-JelouCampaign -BotId bot1 -First 2 @conn | Format-Table | Out-String -Width 80

            $text | Should -Match 'Name\s+Status\s+TemplateName\s+RowCount UpdatedAt'
            $text | Should -Match 'Campaign 1\s+COMPLETED'
        }

        It '-Wait polls with a progress bar until the campaign is COMPLETED' {
            # Long enough that the first poll, after the new runspace has imported the module, sees it unfinished.
            $null = Get-FakeCampaigns $fake -StepMs 3000
            $null = Start-JelouCampaign @start -CampaignName 'promo_espera' -Path $clientes

            $events = Watch-Send -Fake $fake -Script "param(`$Uri, `$Credential) Get-JelouCampaign -BotId bot1 -Name 'promo_*' -Wait -PollIntervalSec 1 -BaseUri `$Uri -Credential `$Credential"

            $done = @($events | Where-Object Kind -eq 'Output')
            $done.Count | Should -Be 1 -Because (Format-Events $events)
            $done[0].Record.Status | Should -Be 'COMPLETED'
            $progress = @($events | Where-Object Kind -eq 'Progress' | ForEach-Object Text)
            @($progress | Where-Object { $_ -match '^0 of 1 COMPLETED \(1 (PENDING|IN_PROGRESS)\)$' }).Count | Should -BeGreaterThan 0 -Because (Format-Events $events)
            $progress | Should -Contain '1 of 1 COMPLETED' -Because (Format-Events $events)
        }

        It 'follows the result of Start-JelouCampaign piped to it' {
            $done = Start-JelouCampaign @start -CampaignName 'promo_tubo' -Path $clientes | Get-JelouCampaign -Wait -PollIntervalSec 1 @conn

            @($done).Count | Should -Be 1
            $done.Name | Should -Be 'promo_tubo'
            $done.Status | Should -Be 'COMPLETED'
        }

        It '-Wait gives up after -WaitTimeoutSec with an error naming what is not done' {
            $null = Get-FakeCampaigns $fake -StepMs 60000
            $null = Start-JelouCampaign @start -CampaignName 'promo_lenta' -Path $clientes

            $last = Get-JelouCampaign -BotId bot1 -Name 'promo_lenta' -Wait -PollIntervalSec 1 -WaitTimeoutSec 2 @conn -ErrorVariable waitErrors -ErrorAction SilentlyContinue

            $last.Status | Should -Be 'PENDING'
            $waitErrors.Count | Should -Be 1
            $waitErrors[0].FullyQualifiedErrorId | Should -Be 'JelouCampaignWaitTimeout,Jelou.PowerShell.Commands.GetJelouCampaignCommand'
            $waitErrors[0].Exception.Message | Should -Match 'promo_lenta \(PENDING\)'
        }

        It 'a -Status filter does not drop a campaign that moves on while it is followed' {
            $null = Start-JelouCampaign @start -CampaignName 'promo_estado' -Path $clientes

            $done = Get-JelouCampaign -BotId bot1 -Status PENDING -Wait -PollIntervalSec 1 @conn

            $done.Name | Should -Be 'promo_estado'
            $done.Status | Should -Be 'COMPLETED'
        }
    }
}
