using System.Collections.Concurrent;

namespace HaCluster.Controller.Security;

/// <summary>Live Watch streams per caller (a user, a key, a certificate's name): at most <see cref="PerCaller"/> at once.</summary>
public sealed class StreamQuota
{
    public const int PerCaller = 8;
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>A slot for <paramref name="caller"/> (dispose to give it back), or null when the caller has them all.</summary>
    public IDisposable? TryEnter(string caller)
    {
        while (true)
        {
            var count = _open.GetOrAdd(caller, 0);
            if (count >= PerCaller)
            {
                return null;
            }

            if (_open.TryUpdate(caller, count + 1, count))
            {
                return new Slot(this, caller);
            }
        }
    }

    private void Leave(string caller) => _open.AddOrUpdate(caller, 0, (_, count) => Math.Max(0, count - 1));

    private sealed class Slot(StreamQuota quota, string caller) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                quota.Leave(caller);
            }
        }
    }
}
