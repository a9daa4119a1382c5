using System.Globalization;
using System.Text;
using System.Xml;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// Writes command help as MAML, the XML Get-Help reads for compiled cmdlets: one &lt;command:command&gt; per
    /// cmdlet inside &lt;helpItems schema="maml"&gt;, with the same namespaces and element layout as the help files
    /// PowerShell itself ships (and platyPS writes).
    /// </summary>
    internal static class MamlWriter
    {
        public const string MshNamespace = "http://msh";
        public const string MamlNamespace = "http://schemas.microsoft.com/maml/2004/10";
        public const string CommandNamespace = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        public const string DevNamespace = "http://schemas.microsoft.com/maml/dev/2004/10";
        public const string MsHelpNamespace = "http://msdn.microsoft.com/mshelp";

        /// <summary>Get-Help indents descriptions by four to eight columns; tables stay within an 80-column console.</summary>
        private const int TableWidth = 72;

        public static byte[] Write(IEnumerable<CommandHelp> commands)
        {
            var settings = new XmlWriterSettings
            {
                Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
                Indent = true,
                IndentChars = "  ",
                NewLineChars = "\n",
                NewLineHandling = NewLineHandling.Replace,
            };
            using var stream = new MemoryStream();
            using (var xml = XmlWriter.Create(stream, settings))
            {
                xml.WriteStartDocument();
                xml.WriteStartElement("helpItems", MshNamespace);
                xml.WriteAttributeString("schema", "maml");
                foreach (var command in commands)
                {
                    WriteCommand(xml, command);
                }

                xml.WriteEndElement();
                xml.WriteEndDocument();
            }

            return stream.ToArray();
        }

        private static void WriteCommand(XmlWriter xml, CommandHelp command)
        {
            xml.WriteStartElement("command", "command", CommandNamespace);
            xml.WriteAttributeString("xmlns", "maml", null, MamlNamespace);
            xml.WriteAttributeString("xmlns", "command", null, CommandNamespace);
            xml.WriteAttributeString("xmlns", "dev", null, DevNamespace);
            xml.WriteAttributeString("xmlns", "MSHelp", null, MsHelpNamespace);

            xml.WriteStartElement("command", "details", CommandNamespace);
            xml.WriteElementString("command", "name", CommandNamespace, command.Name);
            xml.WriteElementString("command", "verb", CommandNamespace, command.Verb);
            xml.WriteElementString("command", "noun", CommandNamespace, command.Noun);
            WriteDescription(xml, command.Synopsis);
            xml.WriteEndElement();

            WriteDescription(xml, command.Description);

            xml.WriteStartElement("command", "syntax", CommandNamespace);
            foreach (var set in command.ParameterSets)
            {
                xml.WriteStartElement("command", "syntaxItem", CommandNamespace);
                xml.WriteElementString("maml", "name", MamlNamespace, command.Name);
                foreach (var (parameter, declaration) in command.InSet(set))
                {
                    WriteParameter(xml, parameter, declaration);
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();

            xml.WriteStartElement("command", "parameters", CommandNamespace);
            foreach (var parameter in command.Parameters)
            {
                WriteParameter(xml, parameter, declaration: null);
            }

            xml.WriteEndElement();

            WriteTypes(xml, "inputTypes", "inputType", command.Inputs);
            WriteTypes(xml, "returnValues", "returnValue", command.Outputs);

            xml.WriteStartElement("maml", "alertSet", MamlNamespace);
            xml.WriteStartElement("maml", "alert", MamlNamespace);
            WriteParas(xml, command.Notes);
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteStartElement("command", "examples", CommandNamespace);
            foreach (var example in command.Examples)
            {
                xml.WriteStartElement("command", "example", CommandNamespace);
                xml.WriteElementString("maml", "title", MamlNamespace, "-------------------------- " + example.Title + " --------------------------");
                xml.WriteElementString("dev", "code", DevNamespace, example.Code);
                xml.WriteStartElement("dev", "remarks", DevNamespace);
                WriteParas(xml, example.Remarks);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();

            xml.WriteStartElement("maml", "relatedLinks", MamlNamespace);
            foreach (var link in command.RelatedLinks)
            {
                xml.WriteStartElement("maml", "navigationLink", MamlNamespace);
                xml.WriteElementString("maml", "linkText", MamlNamespace, link.Text);
                xml.WriteElementString("maml", "uri", MamlNamespace, link.Uri);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        /// <summary>
        /// A parameter of a syntax item (with its <paramref name="declaration"/> in that set) or of the parameters
        /// list (null: what holds in any set).
        /// </summary>
        private static void WriteParameter(XmlWriter xml, ParameterHelp parameter, SetDeclaration? declaration)
        {
            var metadata = parameter.Metadata;
            var inSyntax = declaration is not null;
            var position = declaration is null ? metadata.Position : declaration.Position;
            xml.WriteStartElement("command", "parameter", CommandNamespace);
            xml.WriteAttributeString("required", Bool(declaration?.Mandatory ?? metadata.Required));
            xml.WriteAttributeString("variableLength", Bool(metadata.IsArray));
            xml.WriteAttributeString("globbing", Bool(metadata.Globbing));
            xml.WriteAttributeString("pipelineInput", declaration?.PipelineInput ?? metadata.PipelineInput);
            xml.WriteAttributeString("position", position?.ToString(CultureInfo.InvariantCulture) ?? "named");
            xml.WriteAttributeString("aliases", metadata.Aliases.Count == 0 ? "none" : string.Join(", ", metadata.Aliases));
            xml.WriteElementString("maml", "name", MamlNamespace, metadata.Name);
            WriteDescription(xml, parameter.Description);

            if (inSyntax && metadata.AcceptedValues.Count > 0)
            {
                xml.WriteStartElement("command", "parameterValueGroup", CommandNamespace);
                foreach (var value in metadata.AcceptedValues)
                {
                    WriteParameterValue(xml, metadata, value);
                }

                xml.WriteEndElement();
            }
            else if (!metadata.IsSwitch || !inSyntax)
            {
                // A switch takes no value: the syntax shows [-PassThru], not [-PassThru <SwitchParameter>].
                WriteParameterValue(xml, metadata, metadata.TypeName);
            }

            xml.WriteStartElement("dev", "type", DevNamespace);
            xml.WriteElementString("maml", "name", MamlNamespace, metadata.TypeName);
            xml.WriteElementString("maml", "uri", MamlNamespace, string.Empty);
            xml.WriteEndElement();
            xml.WriteElementString("dev", "defaultValue", DevNamespace, metadata.DefaultValue);
            xml.WriteEndElement();
        }

        private static void WriteParameterValue(XmlWriter xml, ParameterMetadata parameter, string value)
        {
            xml.WriteStartElement("command", "parameterValue", CommandNamespace);
            xml.WriteAttributeString("required", Bool(!parameter.IsSwitch));
            xml.WriteAttributeString("variableLength", Bool(parameter.IsArray));
            xml.WriteString(value);
            xml.WriteEndElement();
        }

        private static void WriteTypes(XmlWriter xml, string listName, string itemName, IEnumerable<TypeHelp> types)
        {
            xml.WriteStartElement("command", listName, CommandNamespace);
            foreach (var type in types)
            {
                xml.WriteStartElement("command", itemName, CommandNamespace);
                xml.WriteStartElement("dev", "type", DevNamespace);
                xml.WriteElementString("maml", "name", MamlNamespace, type.TypeName);
                xml.WriteEndElement();
                WriteDescription(xml, type.Description);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        private static void WriteDescription(XmlWriter xml, IEnumerable<Block> blocks)
        {
            xml.WriteStartElement("maml", "description", MamlNamespace);
            WriteParas(xml, blocks);
            xml.WriteEndElement();
        }

        private static void WriteParas(XmlWriter xml, IEnumerable<Block> blocks)
        {
            foreach (var para in Paragraphs(blocks))
            {
                xml.WriteElementString("maml", "para", MamlNamespace, para);
            }
        }

        /// <summary>
        /// Each paragraph becomes one maml:para. Get-Help trims every para and puts a blank line after it, so the
        /// lines of one list, table or code block go into a single para joined by newlines, which Get-Help keeps:
        /// a list stays compact and a table keeps its columns.
        /// </summary>
        internal static IEnumerable<string> Paragraphs(IEnumerable<Block> blocks)
        {
            var list = new List<string>();
            foreach (var block in blocks)
            {
                if (block.Kind == BlockKind.ListItem)
                {
                    list.Add(new string(' ', block.Level) + block.Info + " " + block.Text);
                    continue;
                }

                if (list.Count > 0)
                {
                    yield return string.Join("\n", list);
                    list.Clear();
                }

                switch (block.Kind)
                {
                    case BlockKind.Paragraph:
                        yield return block.Text;
                        break;
                    case BlockKind.Table:
                        yield return string.Join("\n", TextLayout.Table(block.Rows!, TableWidth));
                        break;
                    case BlockKind.Code:
                        yield return block.Text;
                        break;
                }
            }

            if (list.Count > 0)
            {
                yield return string.Join("\n", list);
            }
        }

        private static string Bool(bool value) => value ? "true" : "false";
    }
}
