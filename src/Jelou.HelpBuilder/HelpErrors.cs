using System.Globalization;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// Problems found in the help sources, written in MSBuild's canonical format
    /// (<c>file(line): error JHELP: message</c>) so the build lists each one as an error pointing at the line.
    /// </summary>
    internal sealed class HelpErrors
    {
        private readonly List<string> messages = new();

        public int Count => messages.Count;

        public IReadOnlyList<string> Messages => messages;

        public void Add(string path, int line, string message) =>
            messages.Add(string.Format(CultureInfo.InvariantCulture, "{0}({1}): error JHELP: {2}", path, Math.Max(line, 1), message));

        public void Add(string path, string message) =>
            messages.Add(string.Format(CultureInfo.InvariantCulture, "{0}: error JHELP: {1}", path, message));
    }
}
