using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Wire;

/// <summary>
/// The sending side of <c>auth_hmac</c> for one instance: the sequence (the realtime clock, or the last one plus one
/// when the clock has not moved on) and the signature, made once per advert for every peer.
/// </summary>
public sealed class HmacSigner(HmacAuthConfig config, TimeSpan window, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly HmacKey _active = config.Key(config.ActiveKey) ?? throw new ArgumentException("auth_hmac without its active key", nameof(config));
    private ulong _last;

    public HmacAuthConfig Config => config;

    /// <summary>The next sequence: the clock's when it is after the last one sent, else the last one + 1.</summary>
    public ulong NextSequence()
    {
        var clock = HmacTrailer.SequenceAt(time.GetUtcNow());
        lock (_lock)
        {
            // A clock stepped back by more than the window (time mode): start again from the clock, as receivers forget old marks too.
            if (config.AntiReplay == AntiReplay.Time && (long)HmacTrailer.Seconds(_last) - HmacTrailer.Seconds(clock) > (long)window.TotalSeconds)
            {
                _last = 0;
            }

            _last = HmacTrailer.After(clock, _last) ? clock : _last + 1;
            return _last;
        }
    }

    /// <summary>Signs <paramref name="message"/> (any checksum: it is read as zero) into the 28-byte <paramref name="trailer"/>.</summary>
    public void Sign(ReadOnlySpan<byte> message, IPAddress source, Span<byte> trailer) =>
        HmacTrailer.Sign(message, source, _active.Id, _active.Value.AsSpan(), NextSequence(), trailer);
}

/// <summary>
/// The receiving side of <c>auth_hmac</c> for one instance, in keepalived 2.4.3's order: a missing trailer (refused
/// only in enforce), a malformed one, a timestamp outside the window (before any digest, so a replay flood costs none),
/// an unknown key id, the HMAC (constant time), then replay against the last sequence accepted from that sender. Replay
/// marks are per unicast peer, or for multicast in 4 slots (least recently used first out) taken only after a good HMAC.
/// Called from the instance's receive thread.
/// </summary>
public sealed class HmacVerifier(HmacAuthConfig config, TimeSpan window, TimeProvider time)
{
    private const int MulticastSlots = 4;
    private readonly Lock _lock = new();
    private readonly List<(IPAddress Source, ulong Sequence, long Used)> _marks = [];
    private long _uses;

    public HmacAuthConfig Config => config;

    /// <summary>
    /// <see cref="DropReason.None"/> to accept. <paramref name="trailer"/> is empty when the advert has none; then
    /// <paramref name="unsigned"/> says it was accepted only because the mode allows that.
    /// </summary>
    public DropReason Check(ReadOnlySpan<byte> message, ReadOnlySpan<byte> trailer, IPAddress source, bool unicast, out bool unsigned)
    {
        unsigned = trailer.IsEmpty;
        if (trailer.IsEmpty)
        {
            return config.RequiresTrailer ? DropReason.HmacMissing : DropReason.None;
        }

        if (!HmacTrailer.WellFormed(trailer))
        {
            return DropReason.HmacMalformed;
        }

        var sequence = HmacTrailer.Sequence(trailer);
        var now = (uint)time.GetUtcNow().ToUnixTimeSeconds();
        if (config.AntiReplay == AntiReplay.Time && OutsideWindow(now, sequence))
        {
            return DropReason.HmacStale;
        }

        if (config.Key(HmacTrailer.KeyId(trailer)) is not { } key)
        {
            return DropReason.HmacUnknownKey;
        }

        if (!HmacTrailer.Verify(message, source, trailer, key.Value.AsSpan()))
        {
            return DropReason.HmacInvalid;
        }

        return Fresh(source, sequence, now, unicast) ? DropReason.None : DropReason.HmacReplay;
    }

    /// <summary>Whether a sequence's seconds are more than the window from <paramref name="now"/> (32-bit wrap-aware).</summary>
    private bool OutsideWindow(uint now, ulong sequence) => Math.Abs((long)(int)(now - HmacTrailer.Seconds(sequence))) > (long)window.TotalSeconds;

    private bool Fresh(IPAddress source, ulong sequence, uint now, bool unicast)
    {
        lock (_lock)
        {
            var index = -1;
            for (var i = 0; i < _marks.Count && index < 0; i++)
            {
                index = _marks[i].Source.Equals(source) ? i : -1;
            }

            if (index >= 0)
            {
                var last = _marks[index].Sequence;
                // Time mode forgets a mark that has left the window (a peer restarted with its clock behind).
                var forgotten = config.AntiReplay == AntiReplay.Time && OutsideWindow(now, last);
                if (!forgotten && !HmacTrailer.After(sequence, last))
                {
                    return false;
                }

                _marks[index] = (source, sequence, ++_uses);
                return true;
            }

            if (!unicast && _marks.Count >= MulticastSlots)
            {
                var oldest = 0;
                for (var i = 1; i < _marks.Count; i++)
                {
                    oldest = _marks[i].Used < _marks[oldest].Used ? i : oldest;
                }

                _marks.RemoveAt(oldest);
            }

            _marks.Add((source, sequence, ++_uses));
            return true;
        }
    }
}
