using System.Threading.Channels;
using Google.Protobuf;
using HaCluster.Contracts;
using HaCluster.Shared.Tls;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Control;

/// <summary>
/// The agent's on-disk queue of state events not yet acknowledged by a controller: appended as transitions happen,
/// replayed in order on every (re)connect, forgotten once acknowledged. Bounded: past <see cref="Capacity"/> the
/// oldest are dropped, counted and logged. Survives agent restarts: events of earlier boots keep their boot id.
/// </summary>
public sealed partial class EventJournal : IDisposable
{
    public const int DefaultCapacity = 10_000;
    private const string FileName = "events.journal";

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _pending = new();
    private readonly SemaphoreSlim _appended = new(0);
    private readonly Channel<StateEvent> _incoming = Channel.CreateUnbounded<StateEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private FileStream _file;
    private TaskCompletionSource? _emptied;
    private ulong _sequence;
    private long _nextIndex;
    private long _dropped;

    public EventJournal(string directory, ILogger logger, int capacity = DefaultCapacity, string? bootId = null)
    {
        PrivateFiles.EnsureDirectory(directory);
        _path = Path.Combine(directory, FileName);
        _logger = logger;
        Capacity = capacity;
        BootId = bootId ?? Guid.NewGuid().ToString("N");
        foreach (var earlier in ReadFile(_path, logger))
        {
            AddLocked(earlier);
        }

        _file = Rewrite();
        _writer = Task.Run(WriteIncomingAsync);
    }

    /// <summary>A queued event and its place in this process's order (not persisted).</summary>
    public sealed record Entry(long Index, StateEvent Event);

    /// <summary>New at every agent start; this boot's events are numbered from 1.</summary>
    public string BootId { get; }

    public int Capacity { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// For the engine thread: hands the event to the journal's own writer (the disk write and fsync happen there).
    /// Events queued before <see cref="Dispose"/> are still written, so a SIGTERM's STOP transitions are kept.
    /// </summary>
    public void Enqueue(StateEvent @event) => _incoming.Writer.TryWrite(@event);

    /// <summary>Numbers the event (this boot, next sequence), writes it to disk, and wakes the sender.</summary>
    public StateEvent Append(StateEvent @event)
    {
        lock (_lock)
        {
            @event.BootId = BootId;
            @event.Sequence = ++_sequence;
            AddLocked(@event);
            try
            {
                @event.WriteDelimitedTo(_file);
                _file.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                // Still queued in memory: it reaches the controller unless the agent dies first.
                ControlLog.JournalWriteFailed(_logger, _path, e.Message);
            }
        }

        _appended.Release();
        return @event;
    }

    /// <summary>Queued events after <paramref name="afterIndex"/>, oldest first, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<Entry> After(long afterIndex, int max)
    {
        lock (_lock)
        {
            return [.. _pending.Where(e => e.Index > afterIndex).Take(max)];
        }
    }

    /// <summary>Waits until something is appended (or <paramref name="ct"/> ends).</summary>
    public Task WaitForAppendAsync(CancellationToken ct) => _appended.WaitAsync(ct);

    /// <summary>Completes once every queued event has been acknowledged.</summary>
    public Task WhenEmpty()
    {
        lock (_lock)
        {
            return _pending.Count == 0 ? Task.CompletedTask
                : (_emptied ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>The controller stored every event of <paramref name="bootId"/> up to <paramref name="sequence"/>.</summary>
    public void Acknowledge(string bootId, ulong sequence)
    {
        lock (_lock)
        {
            var removed = 0;
            for (var node = _pending.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Event.BootId == bootId && node.Value.Event.Sequence <= sequence)
                {
                    _pending.Remove(node);
                    removed++;
                }

                node = next;
            }

            if (removed > 0)
            {
                _file.Dispose();
                _file = Rewrite();
            }

            if (_pending.Count == 0)
            {
                _emptied?.TrySetResult();
                _emptied = null;
            }
        }
    }

    /// <summary>Writes what is still queued (at most a few seconds), then closes the file.</summary>
    public void Dispose()
    {
        _incoming.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
        lock (_lock)
        {
            _file.Dispose();
        }
    }

    private async Task WriteIncomingAsync()
    {
        await foreach (var @event in _incoming.Reader.ReadAllAsync())
        {
            Append(@event);
        }
    }

    private void AddLocked(StateEvent @event)
    {
        _pending.AddLast(new Entry(++_nextIndex, @event));
        if (_pending.Count > Capacity)
        {
            var oldest = _pending.First!.Value.Event;
            _pending.RemoveFirst();
            ControlLog.JournalFull(_logger, Interlocked.Increment(ref _dropped), oldest.Instance, oldest.BootId, oldest.Sequence, Capacity);
        }
    }

    /// <summary>Writes what is still pending to a new file and swaps it in (temp, fsync, rename): never half a journal.</summary>
    private FileStream Rewrite()
    {
        using (var pending = new MemoryStream())
        {
            foreach (var entry in _pending)
            {
                entry.Event.WriteDelimitedTo(pending);
            }

            PrivateFiles.Write(_path, pending.GetBuffer().AsSpan(0, (int)pending.Length));
        }

        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>Reads earlier boots' events; a torn or corrupt tail (a crash mid-write) ends the read and is logged.</summary>
    private static List<StateEvent> ReadFile(string path, ILogger logger)
    {
        var events = new List<StateEvent>();
        if (!File.Exists(path))
        {
            return events;
        }

        using var stream = File.OpenRead(path);
        while (stream.Position < stream.Length)
        {
            var at = stream.Position;
            try
            {
                events.Add(StateEvent.Parser.ParseDelimitedFrom(stream));
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or IOException)
            {
                ControlLog.JournalCorrupt(logger, path, at, stream.Length - at, e.Message);
                break;
            }
        }

        return events;
    }
}
