package dsys.verifier.consistency;

import dsys.verifier.history.History;
import dsys.verifier.history.Op;
import dsys.verifier.history.OpType;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Textbook history diagrams as histories: one row per process, {@code P1: W(x)a R(y)NIL}.
 * Cells are tab-separated columns of time (empty cells allowed), as in the notes' tables;
 * a row without tabs puts its ops in consecutive columns. Every op is instantaneous: ops in
 * one column overlap, ops in different columns are ordered by column. {@code NIL} reads the
 * initial value; values are strings.
 */
public final class PointHistories {
    private static final Pattern OP = Pattern.compile("([RW])\\((\\w+)\\)(\\w+)");

    private PointHistories() {
    }

    public static History parse(String table) {
        TreeMap<Integer, List<String[]>> columns = new TreeMap<>();
        for (String row : table.strip().split("\n")) {
            if (row.isBlank()) continue;
            int colon = row.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("row without \"P:\" prefix: " + row);
            String process = row.substring(0, colon).trim();
            String rest = row.substring(colon + 1);
            String[] cells = rest.contains("\t") ? rest.split("\t", -1) : ("\t" + rest.trim()).split("\\s+|\t", -1);
            for (int col = 0; col < cells.length; col++) {
                String cell = cells[col].trim();
                if (cell.isEmpty()) continue;
                Matcher m = OP.matcher(cell);
                if (!m.matches()) throw new IllegalArgumentException("not an op like W(x)a or R(x)NIL: " + cell);
                columns.computeIfAbsent(col, c -> new ArrayList<>()).add(new String[]{process, m.group(1), m.group(2), m.group(3)});
            }
        }
        List<Op> ops = new ArrayList<>();
        for (var column : columns.entrySet()) {
            for (String[] op : column.getValue()) ops.add(op(ops.size(), column.getKey(), op, OpType.INVOKE));
            for (String[] op : column.getValue()) ops.add(op(ops.size(), column.getKey(), op, OpType.OK));
        }
        return History.of(ops);
    }

    private static Op op(int index, int column, String[] op, OpType type) {
        boolean write = op[1].equals("W");
        String value = op[3].equals("NIL") ? null : op[3];
        Object v = write || type == OpType.OK ? value : null;
        return new Op(index, column, op[0], null, type, write ? "write" : "read", op[2], v, null);
    }
}
