using HaCluster.Shared.Groups;

namespace HaCluster.Controller.Groups;

public sealed record StoredGroup(VipGroup Group, int Revision);

public abstract record SaveResult
{
    /// <summary>Saved at <paramref name="Revision"/>; with <see cref="Preview"/>, checked only: a save would get that revision.</summary>
    public sealed record Saved(VipGroup Group, int Revision) : SaveResult
    {
        public bool Preview { get; init; }
    }

    public sealed record Invalid(IReadOnlyList<GroupError> Errors) : SaveResult;

    public sealed record Conflict(string Detail) : SaveResult;

    public sealed record NotFound : SaveResult;
}
