namespace Jelou.Http
{
    /// <summary>
    /// Which part of a listing the caller wants: the items after the first <see cref="Skip"/>, at most <see cref="First"/>
    /// of them. PowerShell's -Skip and -First map onto it (JelouApiCmdlet.WritePaged).
    /// </summary>
    internal readonly struct PageWindow
    {
        public PageWindow(ulong skip, ulong? first, int? pageSize = null)
        {
            Skip = skip;
            First = first;
            PageSize = pageSize;
        }

        /// <summary>Items to pass over before the first one returned.</summary>
        public ulong Skip { get; }

        /// <summary>The most items to return; null for all of them.</summary>
        public ulong? First { get; }

        /// <summary>Items per request; null for the endpoint's largest page.</summary>
        public int? PageSize { get; }
    }
}
