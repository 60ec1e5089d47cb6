using System.Globalization;
using System.Threading.Channels;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// keepalived's notify scripts for one instance or sync group: run off the engine thread, one at a time and in the
/// order the transitions happened (keepalived users suffer from unordered notifies), each bounded by a timeout.
/// </summary>
public sealed partial class NotifyDispatcher : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly Channel<(VrrpState State, byte Priority)> _queue = Channel.CreateUnbounded<(VrrpState, byte)>(new() { SingleReader = true });
    private readonly string _kind;
    private readonly string _name;
    private readonly NotifyConfig _config;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly Task _worker;

    /// <param name="kind">"INSTANCE" or "GROUP", keepalived's first notify argument.</param>
    public NotifyDispatcher(string kind, string name, NotifyConfig config, TimeSpan timeout, ILogger logger)
    {
        (_kind, _name, _config, _timeout, _logger) = (kind, name, config, timeout, logger);
        _worker = Task.Run(DrainAsync);
    }

    public void Enqueue(VrrpState state, byte priority)
    {
        if (!_config.IsEmpty && state != VrrpState.Initialize)
        {
            _queue.Writer.TryWrite((state, priority));
        }
    }

    /// <summary>Lets queued notifies (notify_stop at shutdown) finish, up to one timeout.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Wait(_timeout);
    }

    private async Task DrainAsync()
    {
        await foreach (var (state, priority) in _queue.Reader.ReadAllAsync())
        {
            if (SpecificScript(state) is { } specific)
            {
                await RunAsync(specific, [], state);
            }

            if (_config.Any is { } any)
            {
                await RunAsync(any, [_kind, _name, Name(state), priority.ToString(CultureInfo.InvariantCulture)], state);
            }
        }
    }

    private async Task RunAsync(string script, IReadOnlyList<string> args, VrrpState state)
    {
        var outcome = await ShellScript.RunAsync(script, args, _timeout, CancellationToken.None);
        if (outcome.Problem is { } problem)
        {
            LogFailed(_kind, _name, Name(state), script, problem);
        }
    }

    private string? SpecificScript(VrrpState state) => state switch
    {
        VrrpState.Master => _config.Master,
        VrrpState.Backup => _config.Backup,
        VrrpState.Fault => _config.Fault,
        VrrpState.Stopped => _config.Stop,
        _ => null,
    };

    private static string Name(VrrpState state) => state == VrrpState.Stopped ? "STOP" : state.ToLogName();

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "notify for {Kind} {Name} -> {State} ({Script}) failed: {Problem}")]
    private partial void LogFailed(string kind, string name, string state, string script, string problem);
}
