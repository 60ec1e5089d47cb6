using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.TestSupport;

/// <summary>
/// A stand-in for hacluster-agent on the controller's agent link, speaking the real protocol over a real gRPC call:
/// for tests of the controller (no namespaces needed) and for the load benchmark. Everything the controller sends is
/// kept in order in <see cref="Received"/>.
/// </summary>
public sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<AgentMessage, ControllerMessage> _call;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ControllerMessage> _received = Channel.CreateUnbounded<ControllerMessage>();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _reader;
    private readonly Dictionary<string, VrrpState> _states = new(StringComparer.Ordinal);
    private ulong _sequence;

    private SimulatedAgent(string node, string bootId, AsyncDuplexStreamingCall<AgentMessage, ControllerMessage> call)
    {
        (Node, BootId, _call) = (node, bootId, call);
        _reader = Task.Run(ReadAsync);
    }

    public string Node { get; }
    public string BootId { get; }
    public ChannelReader<ControllerMessage> Received => _received.Reader;

    /// <summary>The status the stream ended with (after the controller closed it), or null while it is open.</summary>
    public Status? EndedWith { get; private set; }

    /// <summary>
    /// Opens the stream on <paramref name="node"/>'s own channel (its certificate) and sends the hello — naming
    /// <paramref name="helloAs"/> when given, else the node (nothing else: the caller decides what follows).
    /// </summary>
    public static async Task<SimulatedAgent> ConnectAsync(
        AgentChannels agents, string node, IEnumerable<string> addresses, IEnumerable<string>? interfaces = null, string? bootId = null,
        ConfigRevision? running = null, string? helloAs = null) =>
        await ConnectAsync(await agents.ForAsync(node), node, addresses, interfaces, bootId, running, helloAs);

    /// <summary>The same on a channel the caller chose (whatever certificate it carries).</summary>
    public static async Task<SimulatedAgent> ConnectAsync(
        GrpcChannel channel, string node, IEnumerable<string> addresses, IEnumerable<string>? interfaces = null, string? bootId = null,
        ConfigRevision? running = null, string? helloAs = null)
    {
        var call = new AgentLink.AgentLinkClient(channel).Connect();
        var agent = new SimulatedAgent(node, bootId ?? Guid.NewGuid().ToString("N"), call);
        var hello = new Hello { Node = helloAs ?? node, BootId = agent.BootId, AgentVersion = "simulated", Running = running ?? new ConfigRevision() };
        hello.Addresses.AddRange(addresses);
        hello.Interfaces.AddRange(interfaces ?? ["eth0", "lo"]);
        try
        {
            await agent.SendAsync(new AgentMessage { Hello = hello });
        }
        catch (RpcException)
        {
            // Refused before the hello went out (no or a bad certificate): the status is the stream's end (WaitForEndAsync).
        }

        return agent;
    }

    /// <summary>Opens a stream without a hello, for tests of what the controller does with bad streams.</summary>
    public static SimulatedAgent Open(GrpcChannel channel, string node = "raw") =>
        new(node, Guid.NewGuid().ToString("N"), new AgentLink.AgentLinkClient(channel).Connect());

    public async Task SendAsync(AgentMessage message)
    {
        if (message.Snapshot is { } reported)
        {
            _states.Clear();
            foreach (var instance in reported.Instances)
            {
                _states[instance.Instance] = instance.State;
            }
        }

        await _writeLock.WaitAsync();
        try
        {
            await _call.RequestStream.WriteAsync(message);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>A transition of this boot, numbered after the last one sent.</summary>
    public StateEvent Transition(string instance, VrrpState from, VrrpState to, TransitionReason reason = TransitionReason.MasterDownTimer, int priority = 100, DateTimeOffset? at = null) =>
        new()
        {
            BootId = BootId,
            Sequence = ++_sequence,
            Instance = instance,
            From = from,
            To = to,
            Reason = reason,
            Priority = priority,
            At = Timestamp.FromDateTimeOffset(at ?? DateTimeOffset.UtcNow),
        };

    /// <summary>
    /// Whether events of an instance not yet reported are preceded by a snapshot that has it, as the agent does (the
    /// controller drops events of instances a node has not said it runs). Off for tests of that refusal.
    /// </summary>
    public bool AnnouncesInstances { get; set; } = true;

    public async Task SendEventsAsync(params StateEvent[] events)
    {
        if (AnnouncesInstances && events.Any(e => !_states.ContainsKey(e.Instance)))
        {
            foreach (var e in events)
            {
                _states.TryAdd(e.Instance, e.From);
            }

            var snapshot = new InstanceSnapshot { At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
            snapshot.Instances.AddRange(_states.Select(s => new InstanceState { Instance = s.Key, State = s.Value, Priority = 100, BasePriority = 100 }));
            await SendAsync(new AgentMessage { Snapshot = snapshot });
        }

        foreach (var e in events)
        {
            _states[e.Instance] = e.To;
        }

        var batch = new StateEventBatch();
        batch.Events.AddRange(events);
        await SendAsync(new AgentMessage { Events = batch });
    }

    /// <summary>Answers a pushed config the way the agent does after applying it.</summary>
    public Task SendAppliedAsync(DesiredConfig config, bool accepted = true, params string[] errors)
    {
        var applied = new ConfigApplied { DesiredHash = config.Hash, Accepted = accepted, Running = new ConfigRevision { Hash = config.Hash } };
        applied.Running.Groups.AddRange(config.Groups);
        applied.Errors.AddRange(errors);
        return SendAsync(new AgentMessage { Applied = applied });
    }

    /// <summary>The next message of the given kind (earlier ones of other kinds are skipped).</summary>
    public async Task<ControllerMessage> NextAsync(ControllerMessage.BodyOneofCase kind, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(cts.Token);
            if (message.BodyCase == kind)
            {
                return message;
            }
        }
    }

    public async Task<DesiredConfig> NextConfigAsync(TimeSpan? timeout = null) => (await NextAsync(ControllerMessage.BodyOneofCase.Config, timeout)).Config;

    /// <summary>Waits until the controller has acknowledged <paramref name="sequence"/> of this boot.</summary>
    public async Task WaitForAckAsync(ulong sequence, TimeSpan? timeout = null)
    {
        while ((await NextAsync(ControllerMessage.BodyOneofCase.Ack, timeout)).Ack is var ack && (ack.BootId != BootId || ack.Sequence < sequence))
        {
        }
    }

    /// <summary>Waits for the controller to end the stream; returns its status.</summary>
    public async Task<Status> WaitForEndAsync(TimeSpan? timeout = null)
    {
        await _reader.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
        return EndedWith!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // Already ended by the other side.
        }

        _call.Dispose();
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                _received.Writer.TryWrite(message);
            }

            EndedWith = _call.GetStatus();
        }
        catch (RpcException e)
        {
            EndedWith = e.Status;
        }
        catch (OperationCanceledException)
        {
            EndedWith = new Status(StatusCode.Cancelled, "disposed");
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
