using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Agents;

/// <summary>
/// One connected agent's stream. The only writer of its response stream: a pending desired config and the newest
/// acknowledgement per boot wait in slots, so a slow agent costs a bounded amount of memory and always receives the
/// newest config — never a backlog of old ones.
/// </summary>
public sealed class AgentSession(string node, string bootId, string peer, IServerStreamWriter<ControllerMessage> stream, CancellationToken callEnded)
    : IEventAcknowledger
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Dictionary<string, ulong> _acks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed = CancellationTokenSource.CreateLinkedTokenSource(callEnded);
    private NodeConfig? _config;

    public Guid Id { get; } = Guid.NewGuid();
    public string Node { get; } = node;
    public string BootId { get; } = bootId;
    public string Peer { get; } = peer;

    public CancellationToken Closed => _closed.Token;

    public void SendConfig(NodeConfig config)
    {
        lock (_lock)
        {
            _config = config;
        }

        Wake();
    }

    public void Acknowledge(string bootId, ulong sequence)
    {
        lock (_lock)
        {
            _acks[bootId] = Math.Max(sequence, _acks.GetValueOrDefault(bootId));
        }

        Wake();
    }

    /// <summary>Ends this session (replaced by a newer connection of the same node, or shutting down).</summary>
    public void Close() => _closed.Cancel();

    /// <summary>Writes whatever is pending until the call ends.</summary>
    public async Task RunWriterAsync()
    {
        var ct = _closed.Token;
        while (!ct.IsCancellationRequested)
        {
            await _signal.WaitAsync(ct);
            NodeConfig? config;
            KeyValuePair<string, ulong>[] acks;
            lock (_lock)
            {
                (config, _config) = (_config, null);
                acks = [.. _acks];
                _acks.Clear();
            }

            if (config is not null)
            {
                var message = new DesiredConfig { Hash = config.Hash, Text = config.Text };
                message.Groups.AddRange(config.Groups.Select(g => new GroupRevision { Group = g.Group, Revision = g.Revision }));
                await stream.WriteAsync(new ControllerMessage { Config = message }, ct);
            }

            foreach (var (boot, sequence) in acks)
            {
                await stream.WriteAsync(new ControllerMessage { Ack = new EventAck { BootId = boot, Sequence = sequence } }, ct);
            }
        }
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
