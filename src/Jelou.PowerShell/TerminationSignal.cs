using System.Reflection;

namespace Jelou.PowerShell
{
    /// <summary>
    /// SIGTERM through <c>PosixSignalRegistration</c> (.NET 6+, so PowerShell 7), found by reflection because the module
    /// targets netstandard2.0. The handler runs on a thread of the runtime's; when it returns, the process ends as
    /// SIGTERM asks (exit code 143), so whatever must happen before the process ends happens inside the handler.
    /// </summary>
    internal sealed class TerminationSignal
    {
        private static readonly Lazy<Func<Action, IDisposable?>?> Factory = new(Load);
        private readonly Action onTerminate;

        private TerminationSignal(Action onTerminate) => this.onTerminate = onTerminate;

        /// <summary>Calls <paramref name="onTerminate"/> on SIGTERM until disposed; null where the runtime has no such API (Windows PowerShell 5.1).</summary>
        public static IDisposable? Register(Action onTerminate) => Factory.Value?.Invoke(onTerminate);

        private static Func<Action, IDisposable?>? Load()
        {
            var registration = Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false)
                ?? Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime", throwOnError: false);
            var signal = registration?.Assembly.GetType("System.Runtime.InteropServices.PosixSignal");
            var context = registration?.Assembly.GetType("System.Runtime.InteropServices.PosixSignalContext");
            if (registration is null || signal is null || context is null)
            {
                return null;
            }

            var create = registration.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, null, new[] { signal, typeof(Action<>).MakeGenericType(context) }, null);
            var handle = typeof(TerminationSignal).GetMethod(nameof(Handle), BindingFlags.NonPublic | BindingFlags.Instance);
            if (create is null || handle is null)
            {
                return null;
            }

            var sigterm = Enum.Parse(signal, "SIGTERM");
            var handlerType = typeof(Action<>).MakeGenericType(context);
            return onTerminate =>
            {
                try
                {
                    // Action<PosixSignalContext> bound to Handle(object): a delegate may take a base type of its parameter.
                    var handler = Delegate.CreateDelegate(handlerType, new TerminationSignal(onTerminate), handle);
                    return create.Invoke(null, new[] { sigterm, handler }) as IDisposable;
                }
                catch (TargetInvocationException)
                {
                    // Not supported here (a platform without the signal): the run goes on without the handler.
                    return null;
                }
            };
        }

        // The context is left alone: its Cancel stays false, so the process still ends once the journal is complete.
        private void Handle(object context) => onTerminate();
    }
}
