H5P.EdudxHello = (function ($, EventDispatcher) {
  function Hello(params, contentId) {
    EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
  }
  Hello.prototype = Object.create(EventDispatcher.prototype);
  Hello.prototype.constructor = Hello;
  Hello.prototype.attach = function ($container) {
    var self = this;
    $container.addClass("edudx-hello");
    var p = document.createElement("p");
    p.className = "edudx-hello-text";
    p.textContent = self.params.text;
    var b = document.createElement("button");
    b.className = "edudx-hello-done";
    b.type = "button";
    b.textContent = self.params.button;
    b.addEventListener("click", function () { self.triggerXAPIScored(4, 5, "completed"); });
    $container.get(0).appendChild(p);
    $container.get(0).appendChild(b);
  };
  return Hello;
})(H5P.jQuery, H5P.EventDispatcher);
