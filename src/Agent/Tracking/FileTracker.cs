using System.Globalization;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tracking;

/// <summary>vrrp_track_file: the integer in the file (0 when missing or unreadable), polled every second.</summary>
public sealed partial class FileTracker : TrackedObject, IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly TrackFileConfig _config;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private string? _lastProblem;

    public FileTracker(TrackFileConfig config, TimeProvider time, ILogger logger) : base(config.Name, initiallyOk: true)
    {
        (_config, _logger) = (config, logger);
        InitializeFile();
        Read();
        _timer = time.CreateTimer(_ => Read(), null, Poll, Poll);
    }

    public void Dispose() => _timer.Dispose();

    private void InitializeFile()
    {
        if (_config.InitValue is not { } value || (File.Exists(_config.Path) && !_config.InitOverwrite))
        {
            return;
        }

        try
        {
            File.WriteAllText(_config.Path, value.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TrackingLog.TrackFileProblem(_logger, _config.Name, _config.Path, e.Message);
        }
    }

    private void Read()
    {
        string? problem = null;
        var value = 0;
        try
        {
            var text = File.ReadAllText(_config.Path).Trim();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
            {
                problem = $"'{text}' is not an integer; taken as 0";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message + "; taken as 0";
        }

        if (problem is not null && problem != _lastProblem)
        {
            TrackingLog.TrackFileProblem(_logger, _config.Name, _config.Path, problem);
        }

        _lastProblem = problem;
        Report(ok: value == 0, value);
    }
}
