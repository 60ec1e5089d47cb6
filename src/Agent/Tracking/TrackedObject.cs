namespace HaCluster.Agent.Tracking;

/// <summary>A script, interface or file whose state instances track; shared by every instance that tracks it.</summary>
/// <remarks>
/// Interfaces and files are known from the start. A script is not, until its first run has ended (keepalived's INIT
/// state): while unknown it adjusts no priority, and an instance it may fault (weight 0) waits before the election.
/// </remarks>
public abstract class TrackedObject
{
    private const int Unknown = 0, Good = 1, Bad = 2;
    private volatile int _status;
    private int _value;

    /// <param name="initiallyOk">The state before the first report; null: unknown until then.</param>
    protected TrackedObject(string name, bool? initiallyOk)
    {
        Name = name;
        _status = initiallyOk switch { true => Good, false => Bad, null => Unknown };
    }

    public string Name { get; }

    /// <summary>Whether the object has a state yet (a script: whether a run has ended).</summary>
    public bool Known => _status != Unknown;

    public bool Ok => _status == Good;
    public int Value => Volatile.Read(ref _value);

    public event Action<TrackedObject>? Changed;

    protected void Report(bool ok, int value = 0)
    {
        var status = ok ? Good : Bad;
        if (status == _status && value == Value)
        {
            return;
        }

        _status = status;
        Volatile.Write(ref _value, value);
        Changed?.Invoke(this);
    }
}
