using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// vrrp_script: runs the check every interval on its own task — never on the VRRP engine's thread, never two at once —
/// kills it at its timeout (a timeout is a failure), and changes state after <c>rise</c> successes or <c>fall</c> failures.
/// As in keepalived, its state is unknown until the first run ends, and that first result decides it at once (rise and
/// fall count from then on); with <c>init_fail</c> it starts failed and needs <c>rise</c> successes.
/// </summary>
public sealed partial class ScriptTracker : TrackedObject, IDisposable
{
    private readonly VrrpScriptConfig _config;
    private readonly IScriptRunner _scripts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private int _successes;
    private int _failures;
    private string? _lastError;
    private ScriptIdentity? _runAs;
    private string? _identityError;

    public ScriptTracker(VrrpScriptConfig config, IScriptRunner scripts, TimeProvider time, ILogger logger)
        : base(config.Name, initiallyOk: config.InitFail ? false : null)
    {
        (_config, _scripts, _time, _logger) = (config, scripts, time, logger);
    }

    public long Timeouts { get; private set; }
    public TimeSpan Timeout => _config.Timeout ?? _config.Interval;

    public void Start()
    {
        if (_config.User is { } user && !_scripts.CanSwitchUser)
        {
            TrackingLog.ScriptUserIgnored(_logger, _config.Name, user, Environment.UserName);
        }
        else if (_config.User is { } runAs)
        {
            // Once, not per run: an unknown user or group is a problem of the config, reported as the script's.
            _runAs = ScriptIdentity.Resolve(runAs, _config.Group, out _identityError);
        }

        _ = Task.Run(LoopAsync);
    }

    public void Dispose() => _stop.Cancel();

    private async Task LoopAsync()
    {
        // Runs start one interval apart on the clock (absolute, so the schedule does not drift by the scripts' run time).
        var next = _time.GetTimestamp();
        var interval = (long)(_config.Interval.TotalSeconds * _time.TimestampFrequency);
        while (!_stop.IsCancellationRequested)
        {
            if (await RunOnceAsync() is not { } ok)
            {
                return;
            }

            Count(ok);
            next += interval;
            var wait = _time.GetElapsedTime(_time.GetTimestamp(), next);
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            next = Math.Max(next, _time.GetTimestamp());
        }
    }

    private void Count(bool ok)
    {
        (_successes, _failures) = ok ? (_successes + 1, 0) : (0, _failures + 1);
        if (!Known)
        {
            TrackingLog.ScriptStateChanged(_logger, _config.Name, ok ? "OK" : "FAILED", 1);
            Report(ok);
        }
        else if (Ok && _failures >= _config.Fall)
        {
            TrackingLog.ScriptStateChanged(_logger, _config.Name, "FAILED", _failures);
            Report(false);
        }
        else if (!Ok && _successes >= _config.Rise)
        {
            TrackingLog.ScriptStateChanged(_logger, _config.Name, "OK", _successes);
            Report(true);
        }
    }

    /// <summary>The run's result; null when this tracker stopped meanwhile (agent stop, or a reload retired it): the
    /// run was killed, it did not fail.</summary>
    private async Task<bool?> RunOnceAsync()
    {
        if (_identityError is { } identity)
        {
            return Problem($"cannot run as the configured user: {identity}");
        }

        var outcome = await _scripts.RunAsync(_config.Script, [], Timeout, _stop.Token, _runAs);
        if (_stop.IsCancellationRequested)
        {
            return null;
        }

        if (outcome.TimedOut)
        {
            Timeouts++;
            return Problem($"timed out after {Timeout.TotalSeconds:0.###} s and was killed");
        }

        // A plain non-zero exit is the check saying "down": not a problem to log on every run.
        if (outcome.Problem is { } problem && outcome.ExitCode is not (> 0 and not 126 and not 127))
        {
            return Problem(problem);
        }

        _lastError = outcome.Succeeded ? null : _lastError;
        return outcome.Succeeded;
    }

    /// <summary>Logs a problem the first time it shows (not on every run), and counts the run as failed.</summary>
    private bool Problem(string error)
    {
        if (error != _lastError)
        {
            TrackingLog.ScriptProblem(_logger, _config.Name, _config.Script, error);
        }

        _lastError = error;
        return false;
    }
}
