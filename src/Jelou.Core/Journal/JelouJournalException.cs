namespace Jelou.Journal
{
    /// <summary>What is wrong with a send journal.</summary>
    public enum JournalProblem
    {
        /// <summary>The file exists but is not a Jelou send journal, or a record in it is damaged.</summary>
        NotAJournal,

        /// <summary>A newer version of the module wrote it, in a format this one cannot read.</summary>
        NewerVersion,

        /// <summary>It is the journal of the other kind of send (bot messages vs room messages).</summary>
        OtherKind,

        /// <summary>Another run holds its lock.</summary>
        Locked,

        /// <summary>It cannot be read or written (permissions, a missing folder, a full disk).</summary>
        Unavailable,
    }

    /// <summary>A send journal that cannot be used; the message names the file and the problem.</summary>
    public sealed class JelouJournalException : IOException
    {
        /// <summary>Creates the exception.</summary>
        public JelouJournalException(JournalProblem problem, string message, string path, Exception? innerException = null)
            : base(message, innerException)
        {
            Problem = problem;
            Path = path;
        }

        /// <summary>Creates the exception.</summary>
        public JelouJournalException()
            : this(JournalProblem.Unavailable, "The send journal cannot be used.", string.Empty)
        {
        }

        /// <summary>Creates the exception.</summary>
        public JelouJournalException(string message)
            : this(JournalProblem.Unavailable, message, string.Empty)
        {
        }

        /// <summary>Creates the exception.</summary>
        public JelouJournalException(string message, Exception innerException)
            : this(JournalProblem.Unavailable, message, string.Empty, innerException)
        {
        }

        /// <summary>What is wrong.</summary>
        public JournalProblem Problem { get; }

        /// <summary>The journal (or its lock file, for <see cref="JournalProblem.Locked"/>, named in the message).</summary>
        public string Path { get; }
    }
}
