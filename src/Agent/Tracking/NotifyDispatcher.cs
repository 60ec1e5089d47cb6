using System.Globalization;
using System.Threading.Channels;
using HaCluster.Shared.Config;
using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// keepalived's notify scripts for one instance or sync group: run off the engine thread, one at a time and in the
/// order the transitions happened (keepalived users suffer from unordered notifies), each bounded by a timeout.
/// Retiring it never blocks (<see cref="Complete"/>): whoever must see the last scripts finish — the agent as it
/// exits — awaits the task it returns, outside any lock.
/// </summary>
public sealed partial class NotifyDispatcher
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly Channel<(VrrpState State, byte Priority)> _queue = Channel.CreateUnbounded<(VrrpState, byte)>(new() { SingleReader = true });
    private readonly string _kind;
    private readonly string _name;
    private readonly NotifyConfig _config;
    private readonly TimeSpan _timeout;
    private readonly IScriptRunner _scripts;
    private readonly ILogger _logger;
    private readonly Task _worker;

    /// <param name="kind">"INSTANCE" or "GROUP", keepalived's first notify argument.</param>
    public NotifyDispatcher(string kind, string name, NotifyConfig config, TimeSpan timeout, IScriptRunner scripts, ILogger logger)
    {
        (_kind, _name, _config, _timeout, _scripts, _logger) = (kind, name, config, timeout, scripts, logger);
        _worker = Task.Run(DrainAsync);
    }

    public void Enqueue(VrrpState state, byte priority)
    {
        if (!_config.IsEmpty && state != VrrpState.Init)
        {
            _queue.Writer.TryWrite((state, priority));
        }
    }

    /// <summary>
    /// Takes no more transitions; the ones queued (notify_stop at shutdown) still run, each within its timeout. The task
    /// ends when the last has.
    /// </summary>
    public Task Complete()
    {
        _queue.Writer.TryComplete();
        return _worker;
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
                await RunAsync(any, [_kind, _name, state.Name(), priority.ToString(CultureInfo.InvariantCulture)], state);
            }
        }
    }

    private async Task RunAsync(NotifyScript script, IReadOnlyList<string> args, VrrpState state)
    {
        ScriptIdentity? runAs = null;
        if (script.User is { } user && !_scripts.CanSwitchUser)
        {
            TrackingLog.NotifyUserIgnored(_logger, _kind, _name, script.Command, user, Environment.UserName);
        }
        else if (script.User is { } name)
        {
            runAs = ScriptIdentity.Resolve(name, script.Group, out var problem);
            if (runAs is null)
            {
                // As keepalived: a script whose user or group does not exist is not run.
                TrackingLog.NotifyFailed(_logger, _kind, _name, state.Name(), script.Command, problem ?? $"user {name} cannot be resolved");
                return;
            }
        }

        var outcome = await _scripts.RunAsync(script.Command, args, _timeout, CancellationToken.None, runAs);
        if (outcome.Problem is { } failed)
        {
            TrackingLog.NotifyFailed(_logger, _kind, _name, state.Name(), script.Command, failed);
        }
    }

    private NotifyScript? SpecificScript(VrrpState state) => state switch
    {
        VrrpState.Master => _config.Master,
        VrrpState.Backup => _config.Backup,
        VrrpState.Fault => _config.Fault,
        VrrpState.Stopped => _config.Stop,
        _ => null,
    };
}
