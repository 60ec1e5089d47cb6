using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>A simulated agent for the load: answers every pushed config as applied and timestamps it, tracks acks.</summary>
internal sealed class BenchAgent : IAsyncDisposable
{
    private readonly SimulatedAgent _agent;
    private readonly ConcurrentDictionary<int, long> _configAt = new();
    private readonly TaskCompletionSource _firstConfig = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Task _reader;
    private long _acked;
    private GrpcChannel? _channel;

    private BenchAgent(SimulatedAgent agent, int index)
    {
        (_agent, Index) = (agent, index);
        _reader = Task.Run(ReadAsync);
    }

    public int Index { get; }

    public Task FirstConfig => _firstConfig.Task;

    public static string NodeName(int index) => $"node{index:0000}";

    /// <summary>Connects node <paramref name="index"/> over its own enrolled channel (disposed with the agent).</summary>
    public static async Task<BenchAgent> ConnectAsync(GrpcChannel channel, int index) =>
        new(await SimulatedAgent.ConnectAsync(channel, NodeName(index), [index % 2 == 0 ? "192.0.2.10/24" : "192.0.2.11/24"], ["eth0", "lo"]), index) { _channel = channel };

    /// <summary>When the config carrying this revision of the node's group arrived (Stopwatch timestamp).</summary>
    public long ConfigReceivedAt(int revision) => _configAt[revision];

    public async Task WaitForGroupRevisionAsync(int revision)
    {
        while (!_configAt.ContainsKey(revision))
        {
            await _changed.WaitAsync(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Sends <paramref name="count"/> transitions in batches, each after the previous one was acknowledged.</summary>
    public async Task SendEventsAsync(int count, int batch)
    {
        var instance = $"HC_g{Index / 2:0000}";
        for (var sent = 0; sent < count; sent += batch)
        {
            var events = Enumerable.Range(0, Math.Min(batch, count - sent))
                .Select(i => _agent.Transition(instance, i % 2 == 0 ? VrrpState.Backup : VrrpState.Master, i % 2 == 0 ? VrrpState.Master : VrrpState.Backup))
                .ToArray();
            await _agent.SendEventsAsync(events);
            var last = (long)events[^1].Sequence;
            while (Interlocked.Read(ref _acked) < last)
            {
                await _changed.WaitAsync(TimeSpan.FromSeconds(1));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _channel?.Dispose();
    }

    private async Task ReadAsync()
    {
        await foreach (var message in _agent.Received.ReadAllAsync())
        {
            if (message.Config is { } config)
            {
                foreach (var group in config.Groups)
                {
                    _configAt.TryAdd(group.Revision, Stopwatch.GetTimestamp());
                }

                _firstConfig.TrySetResult();
                await _agent.SendAppliedAsync(config);
            }
            else if (message.Ack is { } ack && ack.BootId == _agent.BootId)
            {
                Interlocked.Exchange(ref _acked, (long)ack.Sequence);
            }

            _changed.Release();
        }
    }
}
