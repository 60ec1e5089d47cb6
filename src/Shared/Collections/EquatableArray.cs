using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace HaCluster.Shared.Collections;

/// <summary>
/// An immutable array that compares by its items, for the lists inside records: two records with the same items are
/// equal (an <see cref="ImmutableArray{T}"/> compares by reference, so equal models looked different). Its default
/// value is the empty array, so a record never holds a list that throws when read.
/// </summary>
[CollectionBuilder(typeof(EquatableArray), nameof(EquatableArray.Create))]
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    public EquatableArray(ImmutableArray<T> items) => _items = items;

    public static EquatableArray<T> Empty => default;

    private ImmutableArray<T> Items => _items.IsDefault ? [] : _items;

    public int Length => _items.IsDefault ? 0 : _items.Length;

    public bool IsEmpty => Length == 0;

    int IReadOnlyCollection<T>.Count => Length;

    public T this[int index] => Items[index];

    public ImmutableArray<T> AsImmutableArray() => Items;

    /// <summary>Each item mapped, into a new array: a loop, without a LINQ iterator type per element type.</summary>
    public EquatableArray<TResult> Map<TResult>(Func<T, TResult> selector)
    {
        var result = ImmutableArray.CreateBuilder<TResult>(Length);
        foreach (var item in Items)
        {
            result.Add(selector(item));
        }

        return new(result.MoveToImmutable());
    }

    public ReadOnlySpan<T> AsSpan() => Items.AsSpan();

    public static implicit operator EquatableArray<T>(ImmutableArray<T> items) => new(items);

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    public bool Equals(EquatableArray<T> other) => Items.SequenceEqual(other.Items);

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public override string ToString() => $"[{string.Join(", ", Items)}]";
}

/// <summary>Builds <see cref="EquatableArray{T}"/> from collection expressions and sequences.</summary>
public static class EquatableArray
{
    public static EquatableArray<T> Create<T>(ReadOnlySpan<T> items) => new([.. items]);

    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new([.. items]);
}
