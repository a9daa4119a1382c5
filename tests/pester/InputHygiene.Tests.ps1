#Requires -Version 5.1
# Issue 17, items 15 and 16: what must never reach a customer. A CSV saved by Excel in Windows-1252 and read as UTF-8
# (U+FFFD in the text), NUL and other control characters in any field, recipient ids in Excel's scientific notation
# or with control characters are Skipped with an error that names the problem and the fix; a phone number written
# with formatting is sent as its digits, with a Verbose note; other ids are sent as given.

Describe 'Input hygiene' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        function Get-LedgerBodies {
            @((Get-FakeLedger $fake).entries | Sort-Object -Property sequence | ForEach-Object { $_.body | ConvertFrom-Json })
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    Context 'a CSV saved by Excel in Windows-1252' {
        BeforeAll {
            $ansiPath = Join-Path $TestDrive 'clientes-ansi.csv'
            $text = "userId,text`r`n593990000101,""Señor José, ¿cómo está?""`r`n593990000102,Hola Ana`r`n"
            [System.IO.File]::WriteAllBytes($ansiPath, [System.Text.Encoding]::GetEncoding(1252).GetBytes($text))
        }

        It 'read as UTF-8: the row with lost letters is Skipped with an error naming the encoding and the fix; the clean row is sent' -Skip:($PSVersionTable.PSVersion.Major -lt 6) {
            Reset-FakeJelouApi $fake
            $rows = @(Import-Csv -LiteralPath $ansiPath)
            $rows[0].text | Should -Match ([char]0xFFFD) -Because 'PowerShell 7 reads a file without a BOM as UTF-8'

            $errs = $null
            $results = @($rows | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction SilentlyContinue -ErrorVariable errs)

            $results.Count | Should -Be 2
            $results[0].Status | Should -Be 'Skipped'
            $results[0].ErrorId | Should -Be 'JelouInvalidInput'
            $results[0].Error | Should -Match 'U\+FFFD'
            $results[0].Error | Should -Match 'wrong encoding'
            $results[0].Error | Should -Match 'Import-Csv -Encoding 1252'
            $results[0].Error | Should -Match 'CSV UTF-8'
            @($errs).Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouInvalidInput*'
            $errs[0].Exception.Message | Should -Match 'wrong encoding'

            $results[1].Status | Should -Be 'Sent'
            $bodies = Get-LedgerBodies
            $bodies.Count | Should -Be 1
            $bodies[0].text | Should -BeExactly 'Hola Ana'
        }

        It 'read with -Encoding 1252, as the error says: every row is sent with its accents' -Skip:($PSVersionTable.PSVersion.Major -lt 6) {
            Reset-FakeJelouApi $fake
            $results = @(Import-Csv -LiteralPath $ansiPath -Encoding 1252 | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction Stop)

            @($results | Where-Object Status -eq 'Sent').Count | Should -Be 2
            # Sent concurrently, so the ledger's order is the order of arrival: find the row by its recipient.
            (Get-LedgerBodies | Where-Object userId -eq '593990000101').text | Should -BeExactly 'Señor José, ¿cómo está?'
        }
    }

    Context 'control characters in any field' {
        It 'a NUL in the text, a bell in the title and a NUL in the user id are Skipped; tab and newline are sent' {
            Reset-FakeJelouApi $fake
            $rows = @(
                [pscustomobject]@{ userId = '593990000201'; text = "Hola`0Ana" }
                [pscustomobject]@{ userId = '593990000202'; text = 'Elija'; title = "Men$([char]7)u"; quickReplies = 'Sí' }
                [pscustomobject]@{ userId = "593990`0000203"; text = 'Hola' }
                [pscustomobject]@{ userId = '593990000204'; text = "Línea uno`n`tLínea dos" }
            )

            $errs = $null
            $results = @($rows | Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue -ErrorVariable errs)

            ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Skipped,Skipped,Skipped,Sent'
            $results[0].Error | Should -Match 'text: .*U\+0000 \(NUL\)'
            $results[1].Error | Should -Match 'title: .*U\+0007'
            $results[2].Error | Should -Match 'userId: .*control character U\+0000'
            foreach ($result in $results[0..2]) {
                $result.Error.IndexOf([char]0) | Should -Be -1 -Because 'the error text itself must not carry the invisible character'
                $result.Error.IndexOf([char]7) | Should -Be -1
            }

            @($errs).Count | Should -Be 3
            $bodies = Get-LedgerBodies
            $bodies.Count | Should -Be 1
            $bodies[0].text | Should -BeExactly "Línea uno`n`tLínea dos"
        }
    }

    Context 'recipient ids' {
        It 'refuses an id in Excel scientific notation, saying the digits are lost and how to keep them' {
            Reset-FakeJelouApi $fake
            $errs = $null
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId '5.93988E+11' -Text 'Hola' @conn -ErrorAction SilentlyContinue -ErrorVariable errs

            $result.Status | Should -Be 'Skipped'
            $result.Error | Should -Match "userId: '5\.93988E\+11' is a number in Excel's scientific notation"
            $result.Error | Should -Match 'format the column as Text'
            @($errs).Count | Should -Be 1
            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }

        It 'sends a formatted phone number as its digits, and says so in Verbose output' {
            Reset-FakeJelouApi $fake
            $rows = @(
                [pscustomobject]@{ userId = '+593 98-765 4321'; text = 'Uno' }
                [pscustomobject]@{ userId = '(593) 98 765 4322'; text = 'Dos' }
            )

            $output = @($rows | Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -Verbose -ErrorAction Stop 4>&1)
            $results = @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

            ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Sent'
            ($results | ForEach-Object UserId) -join ',' | Should -Be '593987654321,593987654322'
            $results[0].InputObject.userId | Should -BeExactly '+593 98-765 4321' -Because 'the row itself is kept as it was read'
            @((Get-FakeLedger $fake).entries | Sort-Object sequence | ForEach-Object userId) -join ',' | Should -Be '593987654321,593987654322'
            $verbose | Should -Contain "Row 1: userId '+593 98-765 4321' is a phone number written with formatting; sending to 593987654321."
            $verbose | Should -Contain "Row 2: userId '(593) 98 765 4322' is a phone number written with formatting; sending to 593987654322."
        }

        It 'leaves ids of other channels alone, with no Verbose note' {
            Reset-FakeJelouApi $fake
            $ids = @('2459876543210987', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'tg_553311')
            $output = @($ids | ForEach-Object { [pscustomobject]@{ userId = $_; text = 'Hola' } } |
                    Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -Verbose -ErrorAction Stop 4>&1)

            @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'written with formatting' }).Count | Should -Be 0
            @((Get-FakeLedger $fake).entries | Sort-Object sequence | ForEach-Object userId) -join ',' | Should -Be ($ids -join ',')
        }

        It 'says in the -UserId help that a formatted phone number is sent as its digits' {
            $help = (Get-Help Send-JelouBotMessage -Parameter UserId | Out-String -Width 200) -replace '\s+', ' '
            $help | Should -Match 'formatting'
            $help | Should -Match 'scientific notation'
        }
    }

    Context 'room messages' {
        It 'skips a room row whose sender id has a NUL or whose text was mis-decoded, and sends a clean one' {
            Reset-FakeJelouApi $fake
            $rows = @(
                [pscustomobject]@{ roomId = 'G:bot1:ref-1'; senderId = "bot`01"; text = 'Hola' }
                [pscustomobject]@{ roomId = 'G:bot1:ref-2'; senderId = 'bot1'; text = "Se$([char]0xFFFD)or" }
                [pscustomobject]@{ roomId = 'G:bot1:ref-3'; senderId = '5.93988E+11'; text = 'Hola' }
                [pscustomobject]@{ roomId = 'G:bot1:ref-4'; senderId = 'bot1'; text = 'Hola' }
            )

            $results = @($rows | Send-JelouRoomMessage @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue)

            ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Skipped,Skipped,Skipped,Sent'
            $results[0].Error | Should -Match 'senderId: .*control character U\+0000'
            $results[1].Error | Should -Match 'messages\[0\]\.text: .*U\+FFFD.*wrong encoding'
            $results[2].Error | Should -Match 'senderId: .*scientific notation'
            $entries = @((Get-FakeLedger $fake).entries)
            $entries.Count | Should -Be 1
            $entries[0].roomId | Should -Be 'G:bot1:ref-4'
        }
    }
}
