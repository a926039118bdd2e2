package dsys.verifier.diagram;

import dsys.verifier.gen.RandomJournals;
import dsys.verifier.journal.MessageEvent;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpaceTimeDiagramTest {

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void drawsLanesArrowsLostMessagesAndTimestamps() throws Exception {
        List<MessageEvent> journal = List.of(
                MessageEvent.send("kv-10", "kv-2", "m1", "a<b", 1L, Map.of("kv-10", 1L), null),
                MessageEvent.send("kv-2", "kv-10", "m2", "ack", 1L, Map.of("kv-2", 1L), null),
                MessageEvent.receive("kv-2", "kv-10", "m1", "a<b", 2L, Map.of("kv-10", 1L, "kv-2", 2L), null));
        Document svg = parse(SpaceTimeDiagram.render(journal));
        assertThat(texts(svg)).contains("kv-2", "kv-10", "1", "2", "[2,1]", "a<b");
        assertThat(texts(svg).indexOf("kv-2")).as("natural lane order").isLessThan(texts(svg).indexOf("kv-10"));
        assertThat(groups(svg, "msg")).isEqualTo(1);
        assertThat(groups(svg, "lost")).isEqualTo(1);
        assertThat(groups(svg, "event")).isEqualTo(3);
    }

    @Test
    void twoHundredMessagesStayLegible() throws Exception {
        List<MessageEvent> journal = RandomJournals.generate(4, 3, 200, 0.1);
        String text = SpaceTimeDiagram.render(journal);
        Document svg = parse(text);
        long delivered = journal.stream().filter(e -> !e.isSend()).count();
        assertThat(groups(svg, "msg")).isEqualTo(delivered);
        // Arrows point right (happened-before layout) and no two events of a lane share a column.
        NodeList lines = svg.getElementsByTagName("line");
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            if (((Element) l.getParentNode()).getAttribute("class").equals("msg")) {
                assertThat(Double.parseDouble(l.getAttribute("x2"))).isGreaterThan(Double.parseDouble(l.getAttribute("x1")));
            }
        }
        Map<String, Integer> perPosition = new HashMap<>();
        NodeList circles = svg.getElementsByTagName("circle");
        for (int i = 0; i < circles.getLength(); i++) {
            Element c = (Element) circles.item(i);
            perPosition.merge(c.getAttribute("cx") + "," + c.getAttribute("cy"), 1, Integer::sum);
        }
        assertThat(perPosition.values()).allMatch(n -> n == 1);
        int width = Integer.parseInt(svg.getDocumentElement().getAttribute("width"));
        assertThat(width).as("about 40 px per event column").isLessThan(40 * journal.size());
    }

    private static String texts(Document d) {
        StringBuilder sb = new StringBuilder();
        NodeList ts = d.getElementsByTagName("text");
        for (int i = 0; i < ts.getLength(); i++) sb.append(ts.item(i).getTextContent()).append('|');
        return sb.toString();
    }

    private static long groups(Document d, String cls) {
        NodeList gs = d.getElementsByTagName("g");
        long n = 0;
        for (int i = 0; i < gs.getLength(); i++) if (((Element) gs.item(i)).getAttribute("class").equals(cls)) n++;
        return n;
    }
}
