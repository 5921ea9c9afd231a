// The simulator page: plays a resident's phone against /simulator/send (development only).
const log = document.getElementById("log");
let openid = localStorage.getItem("yitang-sim-openid");
if (!openid) { openid = "o-sim-" + Math.random().toString(36).slice(2, 10); localStorage.setItem("yitang-sim-openid", openid); }
let since = Number(localStorage.getItem("yitang-sim-since-" + openid) || 0);
document.getElementById("who").textContent = "用户 " + openid;

function add(kind, text, img) {
  const div = document.createElement("div");
  div.className = kind === "note" ? "note" : "msg " + kind;
  if (img) { const i = document.createElement("img"); i.src = img; div.appendChild(i); }
  if (text) div.appendChild(document.createTextNode(text));
  log.appendChild(div); log.scrollTop = log.scrollHeight;
  return div;
}
function showReply(reply) {
  if (!reply) return;
  if (reply.MsgType === "text") add("bot", reply.Content);
  else if (reply.MsgType === "news") add("bot", "[图文] " + JSON.stringify(reply.Articles));
  else add("bot", "[" + reply.MsgType + "]");
}
async function send(payload) {
  payload.openid = openid;
  const r = await fetch("/simulator/send", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(payload)});
  const data = await r.json();
  if (!r.ok || data.status !== 200) { add("note", "发送失败：" + (data.error || data.status)); return; }
  showReply(data.reply);
}
function pushText(m) {
  const b = m.body || {};
  if (m.msgtype === "text") return b.text.content;
  if (m.msgtype === "msgmenu") return b.msgmenu.head_content + "\n" + b.msgmenu.list.map(x => x.content).join("\n") + "\n" + (b.msgmenu.tail_content || "");
  if (m.kind === "template") return "[模板消息] " + Object.values(b.data || {}).map(x => x.value).join(" / ");
  return "[" + m.msgtype + "]";
}
async function poll() {
  try {
    const r = await fetch("/simulator/pushes?openid=" + encodeURIComponent(openid) + "&since=" + since);
    const data = await r.json();
    for (const m of data.messages || []) {
      add("push", pushText(m)); since = Math.max(since, m.id);
      localStorage.setItem("yitang-sim-since-" + openid, since);
    }
  } catch (e) {}
}
setInterval(poll, 1000);
document.getElementById("form").addEventListener("submit", e => {
  e.preventDefault();
  const t = document.getElementById("text"); const text = t.value.trim();
  if (!text) return; t.value = ""; add("me", text); send({kind: "text", text});
});
document.getElementById("pick").addEventListener("click", () => document.getElementById("photo").click());
document.getElementById("photo").addEventListener("change", e => {
  const file = e.target.files[0]; if (!file) return;
  const reader = new FileReader();
  reader.onload = () => { add("me", "", reader.result); send({kind: "image", image: reader.result}); };
  reader.readAsDataURL(file); e.target.value = "";
});
for (const top of document.querySelectorAll("nav .top")) {
  top.addEventListener("click", () => {
    const sub = top.nextElementSibling; const open = sub.classList.contains("open");
    document.querySelectorAll("nav .sub").forEach(s => s.classList.remove("open"));
    if (!open) sub.classList.add("open");
  });
}
for (const item of document.querySelectorAll("nav .sub button")) {
  item.addEventListener("click", () => {
    item.parentElement.classList.remove("open");
    add("note", "点击菜单「" + item.textContent + "」"); send({kind: "click", key: item.dataset.key});
  });
}
document.getElementById("follow").addEventListener("click", () => { add("note", "已关注"); send({kind: "subscribe"}); });
document.getElementById("unfollow").addEventListener("click", () => { add("note", "已取消关注"); send({kind: "unsubscribe"}); });
document.getElementById("newuser").addEventListener("click", () => { localStorage.removeItem("yitang-sim-openid"); location.reload(); });
