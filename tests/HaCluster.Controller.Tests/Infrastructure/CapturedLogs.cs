using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HaCluster.Controller.Tests.Infrastructure;

/// <summary>A logger provider that keeps every line, for tests that say what the controller logs (or must not).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Line> _lines = new();

    public sealed record Line(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception)
    {
        /// <summary>A client's mistake must leave neither: a line at error or above, or a warning with a stack trace.</summary>
        public bool IsError => Level >= LogLevel.Error || (Exception is not null && Level >= LogLevel.Warning);

        public override string ToString() => $"{Level} {Category}[{EventId.Id}]: {Message} {Exception}";
    }

    public IReadOnlyList<Line> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(new Line(logLevel, category, eventId, formatter(state, exception), exception));
    }
}
