using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Agents;

/// <summary>
/// One connected agent's stream. The only writer of its response stream: a pending desired config, a renewed
/// certificate and the newest acknowledgement per boot wait in slots, so a slow agent costs a bounded amount of memory
/// and always receives the newest config — never a backlog of old ones. It ends when its certificate (the one it
/// connected with, or the newest renewed over it) expires, or when that certificate is revoked.
/// </summary>
public sealed class AgentSession : IEventAcknowledger, IDisposable
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Dictionary<string, ulong> _acks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _serials = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _instances = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed;
    private readonly IServerStreamWriter<ControllerMessage> _stream;
    private readonly ITimer _expiry;
    private NodeConfig? _config;
    private RenewedCertificate? _certificate;

    public AgentSession(string node, string bootId, string peer, X509Certificate2 certificate, IServerStreamWriter<ControllerMessage> stream, TimeProvider clock, CancellationToken callEnded)
    {
        (Node, BootId, Peer, _stream) = (node, bootId, peer, stream);
        _closed = CancellationTokenSource.CreateLinkedTokenSource(callEnded);
        _serials.Add(certificate.SerialNumber);
        Serial = certificate.SerialNumber;
        _expiry = clock.CreateTimer(_ => OnExpiry(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ExpiresAt = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        _expiry.Change(Until(ExpiresAt, clock), Timeout.InfiniteTimeSpan);
        Clock = clock;
    }

    public Guid Id { get; } = Guid.NewGuid();
    public string Node { get; }
    public string BootId { get; }
    public string Peer { get; }

    /// <summary>The serial of the newest certificate of this stream.</summary>
    public string Serial { get; private set; }

    /// <summary>When the newest certificate of this stream expires; the stream ends then.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    public CancellationToken Closed => _closed.Token;

    private TimeProvider Clock { get; }

    public void SendConfig(NodeConfig config)
    {
        lock (_lock)
        {
            _config = config;
            foreach (var group in config.Groups)
            {
                _instances.Add(Groups.GroupRenderer.InstanceName(group.Group));
            }
        }

        Wake();
    }

    /// <summary>A renewal's answer; a renewed certificate also moves this stream's end to its expiry.</summary>
    public void SendCertificate(RenewedCertificate answer, X509Certificate2? renewed)
    {
        lock (_lock)
        {
            _certificate = answer;
            if (renewed is not null)
            {
                _serials.Add(renewed.SerialNumber);
                Serial = renewed.SerialNumber;
                ExpiresAt = new DateTimeOffset(renewed.NotAfter.ToUniversalTime());
                _expiry.Change(Until(ExpiresAt, Clock), Timeout.InfiniteTimeSpan);
            }
        }

        Wake();
    }

    /// <summary>Whether this stream was authenticated with (or renewed to) the certificate <paramref name="serial"/>.</summary>
    public bool Holds(string serial)
    {
        lock (_lock)
        {
            return _serials.Contains(serial);
        }
    }

    /// <summary>Instances this node has said it runs (snapshots) or been told to run (configs) during this stream.</summary>
    public void Runs(IEnumerable<string> instances)
    {
        lock (_lock)
        {
            _instances.UnionWith(instances);
        }
    }

    public bool HasRun(string instance)
    {
        lock (_lock)
        {
            return _instances.Contains(instance);
        }
    }

    public void Acknowledge(string bootId, ulong sequence)
    {
        lock (_lock)
        {
            _acks[bootId] = Math.Max(sequence, _acks.GetValueOrDefault(bootId));
        }

        Wake();
    }

    /// <summary>Why the controller ended this stream, when the agent must be told (its certificate revoked or expired).</summary>
    public string? Refusal { get; private set; }

    /// <summary>Ends this session (replaced by a newer connection of the same node, or shutting down).</summary>
    public void Close() => _closed.Cancel();

    /// <summary>Ends this session with a reason the agent receives as UNAUTHENTICATED.</summary>
    public void Refuse(string reason)
    {
        Refusal ??= reason;
        _closed.Cancel();
    }

    /// <summary>Writes whatever is pending until the call ends.</summary>
    public async Task RunWriterAsync()
    {
        var ct = _closed.Token;
        while (!ct.IsCancellationRequested)
        {
            await _signal.WaitAsync(ct);
            NodeConfig? config;
            RenewedCertificate? certificate;
            KeyValuePair<string, ulong>[] acks;
            lock (_lock)
            {
                (config, _config) = (_config, null);
                (certificate, _certificate) = (_certificate, null);
                acks = [.. _acks];
                _acks.Clear();
            }

            if (certificate is not null)
            {
                await _stream.WriteAsync(new ControllerMessage { Certificate = certificate }, ct);
            }

            if (config is not null)
            {
                var message = new DesiredConfig { Hash = config.Hash, Text = config.Text };
                message.Groups.AddRange(config.Groups.Select(g => new GroupRevision { Group = g.Group, Revision = g.Revision }));
                await _stream.WriteAsync(new ControllerMessage { Config = message }, ct);
            }

            foreach (var (boot, sequence) in acks)
            {
                await _stream.WriteAsync(new ControllerMessage { Ack = new EventAck { BootId = boot, Sequence = sequence } }, ct);
            }
        }
    }

    /// <summary>Stops the expiry timer (the stream has ended).</summary>
    public void Dispose() => _expiry.Dispose();

    /// <summary>Timers take at most ~49 days: a longer wait is done in steps.</summary>
    private static TimeSpan Until(DateTimeOffset at, TimeProvider clock) =>
        at - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? (wait < TimeSpan.FromDays(40) ? wait : TimeSpan.FromDays(40)) : TimeSpan.Zero;

    private void OnExpiry()
    {
        lock (_lock)
        {
            if (Clock.GetUtcNow() < ExpiresAt)
            {
                _expiry.Change(Until(ExpiresAt, Clock), Timeout.InfiniteTimeSpan);
                return;
            }
        }

        Refuse($"the certificate of node {Node} expired at {ExpiresAt:u}; connect again with a renewed one");
    }

    private void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the writer will pick up this change with the earlier one.
        }
    }
}
