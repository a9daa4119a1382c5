namespace Jelou.Http
{
    /// <summary>
    /// What is particular to one endpoint of the API: its method and route, whether a retry is safe, what its
    /// failures say, and (in <see cref="ApiEndpoint{TResult}"/>) how its answer becomes a result. The transport
    /// (<see cref="JelouClient"/>) does everything else. One instance serves every call.
    /// </summary>
    internal abstract class ApiEndpoint
    {
        protected ApiEndpoint(HttpMethod method, string route)
            : this(method, new RouteTemplate(route))
        {
        }

        /// <summary>For a definition made per call: its route is shared, so the client's URI cache is too.</summary>
        protected ApiEndpoint(HttpMethod method, RouteTemplate route)
        {
            Method = method ?? throw new ArgumentNullException(nameof(method));
            Route = route ?? throw new ArgumentNullException(nameof(route));

            // HTTP's safe methods change nothing on the server, so repeating one can do no harm.
            IsSafe = method == HttpMethod.Get || method == HttpMethod.Head;
        }

        /// <summary>The HTTP method.</summary>
        public HttpMethod Method { get; }

        /// <summary>The route relative to the API root.</summary>
        public RouteTemplate Route { get; }

        /// <summary>
        /// True for GET and HEAD: retried after any transport failure or 500/502/504, and never reported as possibly
        /// delivered. Anything else is at most once: it is retried only when the request certainly did not reach the
        /// server, unless the caller's settings allow more (-RetryPossiblyDelivered).
        /// </summary>
        public bool IsSafe { get; }

        /// <summary>The words the transport's failure messages use for this kind of request.</summary>
        public virtual FailureText Text => IsSafe ? FailureText.Read : FailureText.Message;

        /// <summary>What a 404 means here, as advice after "Jelou API answered 404 NotFound.".</summary>
        public virtual string NotFoundHint => " Check the bot or room id.";

        /// <summary>What a 422 means here, as advice after "Jelou API answered 422 UnprocessableEntity."; empty for none.</summary>
        public virtual string UnprocessableHint => string.Empty;
    }

    /// <summary>An endpoint whose answers become a <typeparamref name="TResult"/>.</summary>
    /// <typeparam name="TResult">The typed result of one call, failures included: they are values, not exceptions.</typeparam>
    internal abstract class ApiEndpoint<TResult> : ApiEndpoint
    {
        protected ApiEndpoint(HttpMethod method, string route)
            : base(method, route)
        {
        }

        protected ApiEndpoint(HttpMethod method, RouteTemplate route)
            : base(method, route)
        {
        }

        /// <summary>
        /// Makes the result of one call. <paramref name="answer"/> holds the failure the transport already read (a
        /// non-2xx status or no answer at all), or a 2xx body for this endpoint to decide on.
        /// </summary>
        public abstract TResult Complete(in ApiAnswer answer);
    }
}
