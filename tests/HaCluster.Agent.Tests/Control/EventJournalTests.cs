using Google.Protobuf.WellKnownTypes;
using HaCluster.Agent.Control;
using HaCluster.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaCluster.Agent.Tests.Control;

public sealed class EventJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hc-journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private EventJournal Open(int capacity = EventJournal.DefaultCapacity) => new(_dir, NullLogger.Instance, capacity);

    private static StateEvent Event(string to) => new()
    {
        Instance = "VI_1",
        From = VrrpState.Backup,
        To = to == "MASTER" ? VrrpState.Master : VrrpState.Backup,
        Reason = TransitionReason.MasterDownTimer,
        Priority = 100,
        At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    [Fact]
    public void Append_NumbersThisBootFromOne_InOrder()
    {
        using var journal = Open();

        journal.Append(Event("MASTER"));
        journal.Append(Event("BACKUP"));

        var pending = journal.After(0, 10);
        Assert.Equal([1UL, 2UL], pending.Select(e => e.Event.Sequence));
        Assert.All(pending, e => Assert.Equal(journal.BootId, e.Event.BootId));
        Assert.Equal([pending[1]], journal.After(pending[0].Index, 10));
    }

    [Fact]
    public void Acknowledge_ForgetsOnlyThatBootUpToTheSequence()
    {
        using var journal = Open();
        for (var i = 0; i < 3; i++)
        {
            journal.Append(Event("MASTER"));
        }

        journal.Acknowledge("another-boot", 3);
        journal.Acknowledge(journal.BootId, 2);

        Assert.Equal([3UL], journal.After(0, 10).Select(e => e.Event.Sequence));
    }

    [Fact]
    public void Reopened_UnacknowledgedEventsOfTheEarlierBootComeFirst_WithTheirBootId()
    {
        string earlierBoot;
        using (var first = Open())
        {
            earlierBoot = first.BootId;
            first.Append(Event("MASTER"));
            first.Append(Event("BACKUP"));
            first.Acknowledge(earlierBoot, 1);
        }

        using var second = Open();
        second.Append(Event("MASTER"));

        var pending = second.After(0, 10).Select(e => (e.Event.BootId, e.Event.Sequence)).ToList();
        Assert.NotEqual(earlierBoot, second.BootId);
        Assert.Equal([(earlierBoot, 2UL), (second.BootId, 1UL)], pending);
    }

    [Fact]
    public void TornTail_TheWholeEventsBeforeItAreKept()
    {
        using (var first = Open())
        {
            first.Append(Event("MASTER"));
            first.Append(Event("BACKUP"));
        }

        // A crash in the middle of a write: a length prefix promising more bytes than follow.
        File.AppendAllBytes(Path.Combine(_dir, "events.journal"), [0x7f, 0x0a, 0x01]);

        using var second = Open();
        Assert.Equal([1UL, 2UL], second.After(0, 10).Select(e => e.Event.Sequence));
    }

    [Fact]
    public void Full_DropsTheOldestAndCountsIt()
    {
        using var journal = Open(capacity: 2);

        for (var i = 0; i < 3; i++)
        {
            journal.Append(Event("MASTER"));
        }

        Assert.Equal([2UL, 3UL], journal.After(0, 10).Select(e => e.Event.Sequence));
        Assert.Equal(1, journal.Dropped);
    }

    [Fact]
    public void Enqueued_ThenDisposed_IsStillWrittenToDisk()
    {
        var journal = Open();
        journal.Enqueue(Event("BACKUP"));
        journal.Dispose();

        using var reopened = Open();
        Assert.Single(reopened.After(0, 10));
    }
}
