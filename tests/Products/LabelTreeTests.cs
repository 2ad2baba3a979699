using Workbook.Products;

namespace Workbook.Tests.Products;

public class LabelTreeTests
{
    [Fact]
    public void Real_tree_has_three_levels_and_parents_are_consistent()
    {
        var tree = LabelTree.Load(Path.Combine(ProductTestData.Folder("cdiscount"), "label_info.csv"));
        Assert.Equal(3, tree.Depth);
        Assert.Equal(44, tree.Roots.Count);
        Assert.Equal(407, tree.AtLevel(2).Count);
        Assert.Equal(2682, tree.AtLevel(3).Count);
        for (var l = 0; l < tree.Count; l++)
            if (tree.Parent(l) >= 0) Assert.Equal(tree.Level(l) - 1, tree.Level(tree.Parent(l)));
    }

    [Fact]
    public void Closure_adds_every_ancestor()
    {
        using var tmp = ProductTestData.Temp();
        var tree = LabelTree.Load(tmp.File("label_info.csv", ProductTestData.SmallTree));
        Assert.Equal(new[] { "A", "A1" }, tree.Closure([tree.IndexOf("A1")]).Select(tree.Name).Order());
        Assert.Equal(new[] { "A" }, tree.Ancestors(tree.IndexOf("A2")).Select(tree.Name));
    }

    [Theory]
    [InlineData("1,A,1,10000\n2,B,2,99\n", "line 3", "unknown parent 99")]
    [InlineData("1,A,1,10000\n2,A,2,1\n", "line 3", "duplicate label name 'A'")]
    [InlineData("1,A,2,2\n2,B,2,1\n", "line 2", "cycle")]
    [InlineData("1,A,1,10000\n2,B,3,1\n", "line 3", "says level 3")]
    [InlineData("1,A,1,10000\nx,B,2,1\n", "line 3", "'tag_id'")]
    public void Bad_trees_fail_with_file_and_line(string rows, string line, string reason)
    {
        using var tmp = ProductTestData.Temp();
        var path = tmp.File("label_info.csv", "tag_id,name,level,parent_tag_id\n" + rows);
        var e = Assert.Throws<InvalidDataException>(() => LabelTree.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(line, e.Message);
        Assert.Contains(reason, e.Message);
    }
}
