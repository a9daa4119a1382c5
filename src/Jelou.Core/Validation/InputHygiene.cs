using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Jelou.Validation
{
    /// <summary>
    /// The checks for text that must never reach a customer (mis-decoded or invisible characters) and for recipient
    /// ids that are surely wrong. Each check returns the problem in words, or null when the value is fine.
    /// </summary>
    internal static class InputHygiene
    {
        /// <summary>The character a decoder puts where bytes were not valid in the encoding it was told to use.</summary>
        internal const char ReplacementCharacter = '\uFFFD';

        /// <summary>What to do about a file read with the wrong encoding; said once per row.</summary>
        internal const string EncodingFix =
            "the file was read with the wrong encoding, and the letters it lost cannot be recovered from the text. Read it again with the right code page, such as Import-Csv -Encoding 1252 (Excel's \"CSV (comma delimited)\" on a Western or Spanish Windows; -Encoding ansi on PowerShell 7.4 and later), or save it from Excel as \"CSV UTF-8\" and import that.";

        // Excel shows a long number in a General cell as one digit, a decimal part and a signed exponent (5.93988E+11),
        // with a comma as the separator in Spanish locales. The explicit sign keeps hexadecimal ids such as 5e12 apart.
        private static readonly Regex ScientificNotation = new(@"^[+-]?\d([.,]\d+)?[eE][+-]\d{1,3}$", RegexOptions.CultureInvariant);

        /// <summary>
        /// A text field: U+FFFD, or a control character other than tab, line feed and the carriage return of a CRLF.
        /// <paramref name="adviceGiven"/> is set once the encoding fix has been said, so a row with several broken
        /// fields says it once.
        /// </summary>
        internal static string? CheckText(string value, ref bool adviceGiven)
        {
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c == ReplacementCharacter)
                {
                    return $"'{Preview(value)}' contains U+FFFD (\uFFFD), the mark of a letter lost in decoding: " + Advice(ref adviceGiven);
                }

                if (c == '\t' || c == '\n' || (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n'))
                {
                    continue;
                }

                if (char.IsControl(c))
                {
                    return $"contains the invisible control character {Name(c)} at character {i + 1} ('{Preview(value)}'); " + ControlAdvice(c, ref adviceGiven);
                }
            }

            return null;
        }

        /// <summary>
        /// Every string in a JSON tree (a contact card, a raw payload), reported under <paramref name="path"/>.
        /// <paramref name="skip"/> names a top-level property checked by other rules.
        /// </summary>
        internal static void CheckTree(JsonNode? node, string path, Action<string, string> add, ref bool adviceGiven, string? skip = null)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var property in obj)
                    {
                        if (skip is not null && string.Equals(property.Key, skip, StringComparison.Ordinal))
                        {
                            continue;
                        }

                        CheckTree(property.Value, path + "." + property.Key, add, ref adviceGiven);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        CheckTree(array[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", add, ref adviceGiven);
                    }

                    break;
                case JsonValue value when value.TryGetValue(out string? text) && text is not null:
                    if (CheckText(text, ref adviceGiven) is { } problem)
                    {
                        add(path, problem);
                    }

                    break;
            }
        }

        /// <summary>
        /// A recipient or sender id (already trimmed). Returns the problem, or null with <paramref name="normalized"/>
        /// set to the id to send. With <paramref name="phone"/>, an id written as a formatted phone number
        /// (+593 98-765 4321, (593) 98 765 4321) becomes its digits; any other id is left as it is, because bots on
        /// channels other than WhatsApp use ids that are not phone numbers.
        /// </summary>
        internal static string? CheckId(string id, bool phone, out string normalized, ref bool adviceGiven)
        {
            normalized = id;
            for (var i = 0; i < id.Length; i++)
            {
                var c = id[i];
                if (c == ReplacementCharacter)
                {
                    return $"'{Preview(id)}' contains U+FFFD (\uFFFD), the mark of a character lost in decoding: " + Advice(ref adviceGiven);
                }

                if (char.IsControl(c))
                {
                    return $"contains the invisible control character {Name(c)} at character {i + 1} ('{Preview(id)}'); an id never has one, so it would not reach anybody. Remove it; " + ControlAdvice(c, ref adviceGiven);
                }
            }

            // Every row's id passes here: the regex runs only for an id that could be one (it has an exponent mark).
            if ((id.IndexOf('E') >= 0 || id.IndexOf('e') >= 0) && ScientificNotation.IsMatch(id))
            {
                return $"'{id}' is a number in Excel's scientific notation, so its last digits are already lost. In Excel, format the column as Text (or as Number with 0 decimals) before saving the CSV, or give the full number.";
            }

            return phone ? CheckPhone(id, ref normalized) : null;
        }

        private static string? CheckPhone(string id, ref string normalized)
        {
            // The usual id is already plain digits: settle that without allocating, since every row of a batch comes here.
            if (IsDigits(id))
            {
                return null;
            }

            var digits = new System.Text.StringBuilder(id.Length);
            var strong = false;
            for (var i = 0; i < id.Length; i++)
            {
                var c = id[i];
                if (c is >= '0' and <= '9')
                {
                    digits.Append(c);
                }
                else if (c == '+' && i == 0)
                {
                    strong = true;
                }
                else if (c is '(' or ')' or ' ' or '\u00A0')
                {
                    strong = true;
                }
                else if (c is not ('-' or '.'))
                {
                    // A letter or any other sign: not a phone number, so not ours to change.
                    return null;
                }
            }

            var number = digits.ToString();
            var fits = number.Length is >= 8 and <= 15 && number[0] != '0';
            if (fits)
            {
                normalized = number;
                return null;
            }

            if (!strong)
            {
                // Digits with only hyphens or dots that do not make a phone number may be another channel's id.
                return null;
            }

            return number.Length > 0 && number[0] == '0'
                ? $"'{id}' is a phone number that starts with 0, so it lacks the country code (or has a trunk or 00 prefix); write the country code and the number as digits, such as 593987654321."
                : $"'{id}' looks like a phone number but has {number.Length} digits; with its country code a phone number has 8 to 15. Write it as digits, such as 593987654321.";
        }

        private static bool IsDigits(string value)
        {
            foreach (var c in value)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }
            }

            return true;
        }

        private static string Advice(ref bool adviceGiven)
        {
            if (adviceGiven)
            {
                return "the same encoding problem as above.";
            }

            adviceGiven = true;
            return EncodingFix;
        }

        private static string ControlAdvice(char c, ref bool adviceGiven)
        {
            if (c == '\0')
            {
                // NULs between the letters are what a UTF-16 ("Unicode") file looks like when read as UTF-8 or ANSI.
                return adviceGiven
                    ? "the same encoding problem as above."
                    : Remember(ref adviceGiven, "NULs usually mean a file saved as UTF-16 (Excel's \"Unicode Text\") was read with another encoding: read it with Import-Csv -Encoding Unicode, or save it as \"CSV UTF-8\" and import that.");
            }

            if (c >= '\u0080')
            {
                // U+0080-U+009F are where Windows-1252 keeps quotes, dashes and the euro sign; Latin-1 reads them as controls.
                return adviceGiven
                    ? "the same encoding problem as above."
                    : Remember(ref adviceGiven, "this is a Windows-1252 character (such as \u201C \u201D \u2013 or \u20AC) read as Latin-1: read the file with Import-Csv -Encoding 1252, or save it as \"CSV UTF-8\" and import that.");
            }

            return "such characters come from a copy and paste or a damaged file; remove it (tabs and line breaks are allowed in text).";
        }

        private static string Remember(ref bool adviceGiven, string advice)
        {
            adviceGiven = true;
            return advice;
        }

        private static string Name(char c) => c switch
        {
            '\0' => "U+0000 (NUL)",
            '\r' => "U+000D (a carriage return without a line feed)",
            _ => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
        };

        // The preview must not carry the control characters it reports into the error text.
        private static string Visible(string value)
        {
            var chars = value.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (char.IsControl(chars[i]))
                {
                    chars[i] = '\u00B7';
                }
            }

            return new string(chars);
        }

        private static string Preview(string value)
        {
            var visible = Visible(value);
            return visible.Length <= 40 ? visible : visible.Substring(0, 37) + "...";
        }
    }
}
