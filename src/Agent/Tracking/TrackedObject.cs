namespace HaCluster.Agent.Tracking;

/// <summary>A script, interface or file whose state instances track; shared by every instance that tracks it.</summary>
public abstract class TrackedObject
{
    private volatile bool _ok;
    private int _value;

    protected TrackedObject(string name, bool initiallyOk)
    {
        Name = name;
        _ok = initiallyOk;
    }

    public string Name { get; }
    public bool Ok => _ok;
    public int Value => Volatile.Read(ref _value);

    public event Action<TrackedObject>? Changed;

    protected void Report(bool ok, int value = 0)
    {
        if (ok == _ok && value == Value)
        {
            return;
        }

        _ok = ok;
        Volatile.Write(ref _value, value);
        Changed?.Invoke(this);
    }
}
