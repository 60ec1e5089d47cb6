using HaCluster.Shared.Groups;

namespace HaCluster.Controller.Groups;

public sealed record StoredGroup(VipGroup Group, int Revision);

public abstract record SaveResult
{
    public sealed record Saved(VipGroup Group, int Revision) : SaveResult;

    public sealed record Invalid(IReadOnlyList<GroupError> Errors) : SaveResult;

    public sealed record Conflict(string Detail) : SaveResult;

    public sealed record NotFound : SaveResult;
}
